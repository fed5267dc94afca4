"""Who may open the alliance pages and who may change a row: one predicate each."""

from __future__ import annotations

from grassroots.core.roles import Cap
from grassroots.core.scoping import Scope
from grassroots.party.models import Organization


def sees_alliances(scope: Scope) -> bool:
    return scope.can(Cap.VIEW_PARTY)


def edits(scope: Scope, lead: Organization | None = None) -> bool:
    """May change rows (led by `lead`, when given)."""
    return scope.can(Cap.EDIT_PARTY) and (lead is None or lead.reached_by(scope))
