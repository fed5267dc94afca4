"""Who sees which inspections page: the same predicates serve the views and the navigation."""

from __future__ import annotations

from grassroots.core.roles import Cap
from grassroots.core.scoping import Scope


def inspects(scope: Scope) -> bool:
    return scope.can(Cap.INSPECT)


def inspects_mainly(scope: Scope) -> bool:
    """Inspecting is the user's main work (an inspector, not the officer): a phone tab."""
    return scope.can(Cap.INSPECT) and not scope.can(Cap.MANAGE_DUTIES)


def sees_inspections(scope: Scope) -> bool:
    """Inspectors, the officer, and the Party side that reads its branches' results."""
    return scope.can(Cap.INSPECT) or scope.can(Cap.VIEW_PARTY)


def exports(scope: Scope) -> bool:
    return scope.can(Cap.EXPORT) or scope.can(Cap.INSPECT)


def acknowledges(scope: Scope) -> bool:
    return scope.can(Cap.DO_DUTIES)


def rectifies(scope: Scope) -> bool:
    return scope.can(Cap.INSPECT) and scope.can(Cap.MANAGE_RECTIFICATION)


def applies(scope: Scope) -> bool:
    """A branch applies to a campaign through its secretary (or the officer for it)."""
    return scope.can(Cap.DO_DUTIES) or scope.can(Cap.MANAGE_DUTIES)
