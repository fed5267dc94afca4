"""Who may open the site pages and who may change a project: one predicate each."""

from __future__ import annotations

from grassroots.core.roles import Cap
from grassroots.core.scoping import Scope


def sees_sites(scope: Scope) -> bool:
    return scope.can(Cap.MANAGE_SITES) or scope.can(Cap.VIEW_PARTY)


def manages_sites(scope: Scope) -> bool:
    return scope.can(Cap.MANAGE_SITES)


def accepts_sites(scope: Scope) -> bool:
    return scope.can(Cap.ACCEPT_SITES)
