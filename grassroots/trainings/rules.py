"""Who may open the trainings pages and who may change what: one predicate each."""

from __future__ import annotations

from grassroots.core.roles import Cap
from grassroots.core.scoping import Scope


def sees_trainings(scope: Scope) -> bool:
    return scope.can(Cap.MANAGE_TRAINING) or scope.can(Cap.CHECK_IN) or scope.can(Cap.VIEW_PARTY)


def manages(scope: Scope) -> bool:
    return scope.can(Cap.MANAGE_TRAINING)


def checks_in(scope: Scope) -> bool:
    return scope.can(Cap.CHECK_IN)
