"""The public figures, until the rollups branch brings `analytics.selectors.public_figures`.

MERGE NOTE: the shared contract (issue #13) puts `public_figures(town_path=None)` in
`grassroots.analytics.selectors`; this branch does not have it yet. This module is the
minimal stand-in the portal brief allows: the same keys, read from the prepared rows of
the top nodes (towns' PlaceFigures, committees' OrgFigures). When the rollups branch is
merged, `portal.public` imports the analytics function instead and this file goes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Sum

from grassroots.analytics.models import OrgFigures, PlaceFigures
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Place
from grassroots.party.models import Instructor, Organization

TOWN_KINDS = (Place.Kind.TOWN, Place.Kind.SUBDISTRICT)


def _rate(part: int | None, base: int | None) -> float | None:
    return None if not base else round((part or 0) / base, 4)


def public_figures(town_path: str | None = None) -> dict[str, Any]:
    """The published figures of one town (or of every town): no user, no scope, public."""
    places = unscoped(PlaceFigures, why=Unscoped.PUBLIC).filter(kind__in=TOWN_KINDS)
    committees = unscoped(OrgFigures, why=Unscoped.PUBLIC).filter(
        organization__kind=Organization.Kind.COMMITTEE, organization__depth=1
    )
    instructors = unscoped(Instructor, why=Unscoped.PUBLIC).filter(kind=Instructor.Kind.INSTRUCTOR)
    if town_path:
        places = places.filter(path=town_path)
        committees = committees.filter(organization__town__path=town_path)
        instructors = instructors.filter(town__path=town_path)
    grid = places.aggregate(
        households=Sum("households"),
        residents=Sum("residents"),
        representatives=Sum("representatives"),
        resolved=Sum("resolved"),
        callbacks=Sum("callbacks"),
        satisfied=Sum("satisfied_callbacks"),
        updated=Max("updated_at"),
    )
    party = committees.aggregate(
        branches=Sum("branches"),
        members=Sum("members"),
        demonstration=Sum("sites_demonstration"),
        updated=Max("updated_at"),
    )
    stamps = [s for s in (grid["updated"], party["updated"]) if s is not None]
    return {
        "households": grid["households"] or 0,
        "residents": grid["residents"] or 0,
        "representatives": grid["representatives"] or 0,
        "branches": party["branches"] or 0,
        "instructors": instructors.count(),
        "members": party["members"] or 0,
        "demonstration_sites": party["demonstration"] or 0,
        "cases_resolved_this_year": grid["resolved"] or 0,
        "satisfaction_rate": _rate(grid["satisfied"], grid["callbacks"]),
        "updated_at": max(stamps) if stamps else None,
    }
