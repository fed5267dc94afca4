"""The officer's board over prepared figures, its export, and one branch's duties."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import clock, xlsx
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.duties import rules, selectors, services
from grassroots.duties.models import Cadence
from grassroots.duties.periods import Period, period_for
from grassroots.duties.views.common import decorate
from grassroots.party.models import Organization

ROWS_PER_PAGE = 60  # a town's 56 branches on one page
ASSIGNMENTS_PER_PAGE = 40
_PATH = "org_path"  # the figure's own copy: sorting needs no join
# ?sort=<key> (best or most first); ?sort=-<key> reverses every term.
_RANK = ("-rate", "-weight_rate")  # the ranks' order (selectors.board_sums)
SORTS: dict[str, tuple[str, ...]] = {
    "rank": (*_RANK, _PATH),
    "name": (_PATH,),
    "rate": ("-rate", _PATH),
    "weight": ("-weight_rate", _PATH),
    "overdue": ("-overdue", *_RANK, _PATH),
    "submitted": ("-submitted", _PATH),
    "returned": ("-returned", _PATH),
}


def _reversed(term: str) -> str:
    return term[1:] if term.startswith("-") else f"-{term}"


@dataclass
class Board:
    """The figures of one cadence's current period: `rows` is a sorted queryset (a page of
    it is read at a time), `sums` its ranks, row count and totals over all of them."""

    cadence: str
    period: Period
    sort: str
    rows: Any
    sums: selectors.BoardSums

    def ranked(self, rows: Any) -> list[Any]:
        """The rows (a page, or all for the export), each with its `rank` on the board."""
        rows = list(rows)
        for row in rows:
            row.rank = self.sums.rank_of(row.rate, row.weight_rate)
        return rows

    def page(self, number: Any) -> Any:
        """One page of the rows, ranked; the row count is known already (no COUNT)."""
        # The page's organisations in one query by id, after the cut (selectors.board_rows).
        paginator = Paginator(self.rows.prefetch_related("organization"), ROWS_PER_PAGE)
        paginator.count = self.sums.count  # a cached_property: once set, it is not counted
        page = paginator.get_page(number)
        page.object_list = self.ranked(page.object_list)
        return page

    @property
    def total(self) -> int:
        return self.sums.totals["total"]

    @property
    def done(self) -> int:
        return self.sums.totals["done"]

    @property
    def rate(self) -> float | None:
        return self.done * 100 / self.total if self.total else None

    @property
    def overdue(self) -> int:
        return self.sums.totals["overdue"]

    @property
    def submitted(self) -> int:
        return self.sums.totals["submitted"]


def board_of(request: HttpRequest) -> Board:
    """The board the request asks for: figures of the current period, ranked and sorted
    in SQL (a province's tens of thousands of branches are never all read for one page)."""
    if not rules.sees_board(scope_for(request.user)):
        raise Http404
    cadence = request.GET.get("cadence", "")
    if cadence not in selectors.BOARD_CADENCES:
        cadence = Cadence.WEEKLY
    period = period_for(cadence, clock.today())
    sort = request.GET.get("sort", "rank")
    key = sort.removeprefix("-")
    if key not in SORTS:
        sort = key = "rank"
    order = SORTS[key]
    if sort.startswith("-"):
        order = tuple(_reversed(term) for term in order)
    rows = selectors.board_rows(request.user, cadence, period.key).order_by(*order)
    return Board(
        cadence, period, sort, rows, selectors.board_sums(request.user, cadence, period.key)
    )


@login_required
def board(request: HttpRequest) -> HttpResponse:
    b = board_of(request)
    page = b.page(request.GET.get("page"))
    return render(
        request,
        "duties/board.html",
        {"board": b, "page": page, "cadences": selectors.BOARD_CADENCES, "labels": Cadence},
    )


def board_table(b: Board) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Rank"),
        _("Branch"),
        _("Duties"),
        _("Done"),
        _("Completion"),
        _("Submitted"),
        _("Overdue"),
        _("Returned"),
        _("Weight completion"),
    ]
    rows = [
        [
            r.rank,
            r.organization.name,
            r.total,
            r.done,
            f"{r.rate:.1f}%",
            r.submitted,
            r.overdue,
            r.returned,
            f"{r.weight_rate:.1f}%",
        ]
        for r in b.ranked(b.rows.select_related("organization"))  # every row: one join
    ]
    return header, rows


@login_required
def board_export(request: HttpRequest) -> HttpResponse:
    b = board_of(request)
    header, rows = board_table(b)
    content = xlsx.table_workbook([(b.period.key, header, rows)])
    services.board_exported(
        actor=request.user, cadence=b.cadence, period=b.period.key, rows=len(rows)
    )
    return xlsx.attachment(content, f"duties-board-{b.period.key}.xlsx")


def _branch(request: HttpRequest, pk: int) -> Organization:
    scope = scope_for(request.user)
    org = get_visible_or_404(
        Organization.objects.filter(kind=Organization.Kind.BRANCH), request.user, pk=pk
    )
    if not (rules.sees_board(scope) or rules.sees_week(scope)) or not org.reached_by(scope):
        raise Http404
    return org


@login_required
def branch_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The branch's duties as .xlsx: one row per duty, newest period first."""
    org = _branch(request, pk)
    header = [
        _("Period"),
        _("Duty"),
        _("Cadence"),
        _("Due"),
        _("Status"),
        _("Done"),
        _("Overdue"),
        _("Weight"),
        _("Completed by a record"),
    ]
    rows = [
        [
            a.period,
            a.version.title,
            a.get_cadence_display(),
            a.due_on,
            a.get_status_display(),
            timezone.localdate(a.done_at) if a.done_at else None,
            _("yes") if a.overdue else "",
            a.weight,
            _("yes") if a.record_kind else "",
        ]
        for a in selectors.branch_assignments(request.user, org)
    ]
    content = xlsx.table_workbook([(org.name, header, rows)])
    services.assignments_exported(actor=request.user, organization=org, rows=len(rows))
    return xlsx.attachment(content, f"duties-branch-{org.pk}.xlsx")


@login_required
def branch(request: HttpRequest, pk: int) -> HttpResponse:
    """One branch's duties by period, with links to the records that completed them."""
    scope = scope_for(request.user)
    org = _branch(request, pk)
    page = Paginator(
        selectors.branch_assignments(request.user, org), ASSIGNMENTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    for a in page.object_list:
        decorate(a)
    back = reverse("duties:board") if rules.sees_board(scope) else reverse("duties:week")
    return render(request, "duties/branch.html", {"org": org, "page": page, "back_url": back})
