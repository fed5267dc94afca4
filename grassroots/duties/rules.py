"""Who may open which duties page (the views and the navigation ask the same functions)."""

from __future__ import annotations

from grassroots.core.roles import Cap
from grassroots.core.scoping import Scope


def sees_week(scope: Scope) -> bool:
    """The secretary's "this week"."""
    return scope.can(Cap.DO_DUTIES)


def sees_board(scope: Scope) -> bool:
    """The board of prepared figures: officers and admins, instructors for their branches."""
    return scope.can(Cap.MANAGE_DUTIES) or scope.can(Cap.REVIEW_DUTIES)


def manages_plans(scope: Scope) -> bool:
    return scope.can(Cap.MANAGE_DUTIES)
