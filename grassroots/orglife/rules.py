"""Who may open the meeting pages and who may record: one predicate each, for views and nav."""

from __future__ import annotations

from grassroots.core.roles import Cap
from grassroots.core.scoping import Scope


def sees_meetings(scope: Scope) -> bool:
    return scope.can(Cap.RECORD_MEETING) or scope.can(Cap.VIEW_PARTY)


def records_meetings(scope: Scope) -> bool:
    return scope.can(Cap.RECORD_MEETING)
