"""Which grid level owns a case, and the levels it escalates to."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from grassroots.cases.models import Case
from grassroots.grid.models import Place
from grassroots.grid.selectors import place_by_path

# ---------------------------------------------------------------- places


def village_path_of(place_path: str, town_path: str) -> str:
    return place_path[: len(town_path) + Place.steplen] if len(place_path) > len(town_path) else ""


def town_and_owner(place: Place) -> tuple[Place, Place]:
    """The place's town and the level that owns a case filed there (its village, else the town).

    Both come from the place memo (`grid.selectors.place_by_path`): no query
    once a worker has seen them.
    """
    town_path = place.town_path()
    if not town_path:
        raise ValidationError(_("Cases are filed in a town or below."))
    village_path = village_path_of(place.path, town_path)
    town = place if place.path == town_path else place_by_path(town_path)
    if not village_path:
        return town, town
    owner = place if place.path == village_path else place_by_path(village_path)
    return town, owner or town


def escalation_chain(case: Case) -> list[Place]:
    """Grid levels above the handling level, nearest first, ending at the town."""
    town_path = case.town.path
    paths = []
    village = village_path_of(case.place_path, town_path)
    if village and case.owner_place.path != town_path:
        paths.append(village)
    paths.append(town_path)
    by_path = {p.path: p for p in Place.objects.filter(path__in=paths)}
    return [by_path[p] for p in paths if p in by_path]
