"""The ledger (对账销号台账): filters, colour tiles, rows; its export and print view."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from grassroots.core import clock
from grassroots.core.roles import Cap
from grassroots.core.scoping import scope_for
from grassroots.core.xlsx import attachment
from grassroots.rectify import selectors, services
from grassroots.rectify.filters import ItemFilter
from grassroots.rectify.models import Colour
from grassroots.rectify.views.common import COLOUR_TONES, decorate

PAGE_SIZE = 20
PRINT_LIMIT = 2000


def _filtered(request: HttpRequest) -> ItemFilter:
    return ItemFilter(request.GET, queryset=selectors.ledger(request.user), request=request)


def _active(request: HttpRequest, f: ItemFilter) -> int:
    return sum(1 for name in f.form.fields if request.GET.get(name, "") not in ("", "unknown"))


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    f = _filtered(request)
    page = Paginator(f.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = decorate(page.object_list, today)
    counts = selectors.colour_counts(selectors.ledger(request.user), today)
    base = reverse("rectify:ledger")
    tiles = [
        {
            "colour": c,
            "label": Colour(c).label,
            "value": counts[c],
            "href": f"{base}?colour={c}",
            "tone": "danger" if c == Colour.RED else "",
        }
        for c in (Colour.RED, Colour.YELLOW, Colour.GREEN)
    ]
    scope = scope_for(request.user)
    context = {
        "filter": f,
        "page": page,
        "rows": page.object_list,
        "tiles": tiles,
        "tones": COLOUR_TONES,
        "active_filters": _active(request, f),
        "query": request.GET.urlencode(),
        "may_register": scope.can(Cap.MANAGE_RECTIFICATION),
    }
    return render(request, "rectify/ledger.html", context)


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    f = _filtered(request)
    content = services.ledger_export(actor=request.user, items=f.qs.select_related("organization"))
    return attachment(content, f"rectification-{clock.today():%Y%m%d}.xlsx")


@login_required
def ledger_print(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    f = _filtered(request)
    rows = decorate(f.qs[:PRINT_LIMIT], today)
    return render(
        request, "rectify/print.html", {"rows": rows, "today": today, "limit": PRINT_LIMIT}
    )
