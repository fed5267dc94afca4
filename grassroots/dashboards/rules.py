"""Who may open the dashboards: one predicate, shared by the views and the navigation."""

from __future__ import annotations

from grassroots.core.roles import Cap
from grassroots.core.scoping import Scope


def sees_dashboards(scope: Scope) -> bool:
    return scope.can(Cap.VIEW_DASHBOARDS)


def exports(scope: Scope) -> bool:
    return scope.can(Cap.VIEW_DASHBOARDS) and scope.can(Cap.EXPORT)
