"""The figure tiles of the home page: each figure with the list it counts.

A tile links only to a page every holder of the figure may open (the lists
are scoped to the reader, so the number and the list agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

COUNT = "count"
PCT = "pct"


@dataclass(frozen=True)
class Tile:
    label: str | Promise
    value: int | float | None
    href: str
    kind: str = COUNT  # COUNT: a whole number; PCT: a percentage 0–100
    hint: str | Promise = ""


def _url(name: str, **query: str) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def grid_tiles(figures: dict[str, Any]) -> list[Tile]:
    stale = figures["households"] - figures["visited"]
    return [
        Tile(_("Households"), figures["households"], _url("grid:household_list")),
        Tile(
            _("Visited in 30 days"),
            figures["visited_pct"],
            _url("grid:household_list", visit="recent"),
            PCT,
        ),
        Tile(_("Need a visit"), stale, _url("grid:household_list", visit="stale")),
        Tile(_("Residents"), figures["residents"], _url("grid:browser"), hint=_("by place")),
        Tile(
            _("Representatives"),
            figures["representatives"],
            _url("grid:browser"),
            hint=_("by place"),
        ),
    ]


def party_tiles(figures: dict[str, Any]) -> list[Tile]:
    tree = _url("party:tree")
    return [
        Tile(_("Branches"), figures["branches"], tree),
        Tile(_("Party members"), figures["members"], tree, hint=_("by organisation")),
        Tile(_("Instructors"), figures["instructors"], tree, hint=_("by organisation")),
    ]


def case_tiles(figures: dict[str, Any]) -> list[Tile]:
    return [
        Tile(_("Open cases"), figures["open"], _url("cases:inbox", open="true")),
        Tile(_("Overdue"), figures["overdue"], _url("cases:inbox", overdue="true")),
        Tile(_("Under supervision"), figures["supervised"], _url("cases:inbox", supervised="true")),
    ]
