"""What a dashboard page holds, built once for the page and for its exports.

A place's dashboard shows the place's figures and those of its Party organisation (the
highest one seated at the place that the reader reaches); an organisation's shows its own.
Both drill down: a table of the children, each linking to the child's dashboard, with a
total row that is the node's own figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core import clock
from grassroots.core.scoping import scope_for
from grassroots.dashboards import charts as c
from grassroots.dashboards import figures as fig
from grassroots.dashboards import rules, tiles
from grassroots.grid.models import Place
from grassroots.party.models import Organization


@dataclass
class Dashboard:
    title: str
    node: str  # "place" | "org"
    obj: Place | Organization
    place_figures: dict[str, Any] | None = None
    org: Organization | None = None
    org_figures: dict[str, Any] | None = None
    place_tiles: list[tiles.Tile] = field(default_factory=list)
    org_tiles: list[tiles.Tile] = field(default_factory=list)
    charts: list[c.Chart] = field(default_factory=list)
    tables: list[c.Table] = field(default_factory=list)
    back: str = ""
    place_link: str = ""  # an organisation's page links to its place's dashboard
    can_export: bool = False

    @property
    def has_figures(self) -> bool:
        return self.place_figures is not None or self.org_figures is not None

    def export_url(self, key: str) -> str:
        name = "dashboards:place_export" if self.node == fig.PLACE else "dashboards:org_export"
        return reverse(name, args=[self.obj.pk, key]) if self.can_export else ""

    def table_of(self, key: str) -> tuple[list[str], list[list[Any]]] | None:
        """(headers, rows) of a chart or a children's table, for the spreadsheet."""
        chart = c.by_key(self.charts, key)
        if chart is not None:
            return chart.headers, chart.rows
        table = next((t for t in self.tables if t.key == key), None)
        return None if table is None else (table.headers, table.export_rows())

    def title_of(self, key: str) -> str:
        chart = c.by_key(self.charts, key)
        if chart is not None:
            return str(chart.title)
        return str(next(t.title for t in self.tables if t.key == key))


def _months() -> tuple[Any, Any]:
    return fig.last_months(clock.today())


def _org_part(user: Any, board: Dashboard, org: Organization) -> None:
    scope = scope_for(user)
    figures = fig.node_figures(user, fig.ORG, org.path)
    if figures is None:
        return
    first, last = _months()
    months = fig.month_series(user, fig.ORG, org.path, first, last)
    kids = fig.child_orgs(user, org)
    board.org, board.org_figures = org, figures
    board.org_tiles = tiles.org_tiles(scope, org, figures)
    board.charts += c.org_charts(figures, months, kids)
    if kids:
        board.tables.append(
            c.children_table(
                "orgs",
                _("Party organisations below"),
                _("Party organisation"),
                c.ORG_COLUMNS,
                [(o, f, reverse("dashboards:org", args=[o.pk])) for o, f in kids],
                org.name,
                figures,
            )
        )


def _parent(visible: QuerySet, node: Place | Organization) -> Any:
    """The node's parent if the reader reaches it (the back arrow climbs the tree), else None."""
    if node.depth <= 1:
        return None
    return visible.filter(path=node.path[: -node.steplen]).only("pk").first()


def _link_exports(board: Dashboard) -> None:
    for item in [*board.charts, *board.tables]:
        item.export_url = board.export_url(item.key)


def for_place(user: Any, place: Place) -> Dashboard:
    scope = scope_for(user)
    board = Dashboard(title=place.name, node=fig.PLACE, obj=place, can_export=rules.exports(scope))
    figures = fig.node_figures(user, fig.PLACE, place.path)
    if figures is not None:
        first, last = _months()
        months = fig.month_series(user, fig.PLACE, place.path, first, last)
        kids = fig.child_places(user, place)
        board.place_figures = figures
        board.place_tiles = tiles.place_tiles(scope, place, figures)
        board.charts = c.place_charts(figures, months, kids)
        if kids:
            board.tables.append(
                c.children_table(
                    "places",
                    _("Places below"),
                    pgettext_lazy("division", "place"),
                    c.PLACE_COLUMNS,
                    [(p, f, reverse("dashboards:place", args=[p.pk])) for p, f in kids],
                    place.name,
                    figures,
                )
            )
    org = fig.org_of_place(user, place)
    if org is not None:
        _org_part(user, board, org)
    _link_exports(board)
    parent = _parent(fig.reached_places(user), place)
    if parent is not None:
        board.back = reverse("dashboards:place", args=[parent.pk])
    return board


def for_org(user: Any, org: Organization) -> Dashboard:
    scope = scope_for(user)
    board = Dashboard(title=org.name, node=fig.ORG, obj=org, can_export=rules.exports(scope))
    _org_part(user, board, org)
    _link_exports(board)
    parent = _parent(fig.reached_orgs(user), org)
    if parent is not None:
        board.back = reverse("dashboards:org", args=[parent.pk])
    if org.place_id and fig.reached_places(user).filter(pk=org.place_id).exists():
        board.place_link = reverse("dashboards:place", args=[org.place_id])
    return board
