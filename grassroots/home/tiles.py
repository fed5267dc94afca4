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


def duty_tiles(duties: dict[str, Any], rect: dict[str, int] | None) -> list[Tile]:
    """The duty loop (issue #11): this week's duties, this month's completion, overdue
    duties, rectification under way and in red."""
    found: list[Tile] = []
    if "week_open" in duties:
        found.append(Tile(_("Duties open this week"), duties["week_open"], _url("duties:week")))
    if "month_done_pct" in duties:
        board = _url("duties:board", cadence="monthly")
        found.append(Tile(_("Duties done this month"), duties["month_done_pct"], board, PCT))
        found.append(Tile(_("Overdue duties"), duties["overdue"], _url("duties:board")))
    if rect is not None:
        found.append(Tile(_("Rectification under way"), rect["open"], _url("rectify:ledger")))
        found.append(Tile(_("Red warnings"), rect["red"], _url("rectify:ledger", colour="red")))
    return found
