"""Reads of the report pages, each starting from what the caller may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from grassroots.core.roles import Cap
from grassroots.core.scoping import Scope, Unscoped, scope_for, unscoped
from grassroots.grid.models import Place
from grassroots.party.models import Organization
from grassroots.reports.contents import NODE_KINDS
from grassroots.reports.models import Report


def sees_reports(scope: Scope) -> bool:
    return scope.can(Cap.MAKE_REPORTS) or scope.can(Cap.VIEW_DASHBOARDS)


def reports(user: Any) -> QuerySet:
    """The reports in the caller's reach, newest period first."""
    return (
        Report.objects.visible_to(user)
        .select_related("place", "generated_by")
        .order_by("-period_start", "kind", "place_path", "-pk")
    )


def periods(user: Any) -> list[str]:
    return list(
        Report.objects.visible_to(user)
        .order_by("-period")
        .values_list("period", flat=True)
        .distinct()[:48]
    )


def report_nodes(user: Any) -> QuerySet:
    """The towns (and counties) a caller may make reports for: reached in the grid, or
    through their Party committee."""
    if user is None or not scope_for(user).can(Cap.MAKE_REPORTS):
        return unscoped(Place, why=Unscoped.SYSTEM).none()
    grid_ids = Place.objects.visible_to(user).filter(kind__in=NODE_KINDS).values("pk")
    # Ids read from the caller's scoped committees: no place beyond them.
    committee_ids = (
        Organization.objects.visible_to(user)
        .filter(kind=Organization.Kind.COMMITTEE, place__kind__in=NODE_KINDS)
        .values("place_id")
    )
    places = unscoped(Place, why=Unscoped.SYSTEM)
    return (places.filter(pk__in=grid_ids) | places.filter(pk__in=committee_ids)).order_by("path")
