"""Pages of the grid: browser, household list and detail, a representative's day."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.grid import selectors, services
from grassroots.grid.filters import HouseholdFilter
from grassroots.grid.forms import VisitForm
from grassroots.grid.models import Household, Place, RepresentativeLink, Resident

PAGE_SIZE = 50
PAGE_SIZE_MAX = 200


def _page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("page_size", PAGE_SIZE))
    except ValueError:
        return PAGE_SIZE
    return max(1, min(size, PAGE_SIZE_MAX))


def _with_counts(user: object, places: list[Place]) -> list[Place]:
    counts = selectors.counts_by_prefix(user, [p.path for p in places])
    for place in places:
        place.counts = counts[place.path]
    return places


@login_required
def browser(request: HttpRequest) -> HttpResponse:
    roots = _with_counts(request.user, list(selectors.browser_roots(request.user)))
    return render(request, "grid/browser.html", {"place": None, "children": roots, "crumbs": []})


@login_required
def place(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_visible_or_404(Place, request.user, pk=pk)
    kids = _with_counts(request.user, list(selectors.children(request.user, node)))
    total = selectors.counts_by_prefix(request.user, [node.path])[node.path]
    crumbs = selectors.breadcrumbs(request.user, node)
    back = reverse("grid:place", args=[crumbs[-1].pk]) if crumbs else reverse("grid:browser")
    return render(
        request,
        "grid/browser.html",
        {"place": node, "total": total, "children": kids, "crumbs": crumbs, "back_url": back},
    )


class _CountedPaginator(Paginator):
    """A paginator told its count, when the count comes from the prepared figures."""

    def __init__(self, object_list: object, per_page: int, count: int | None = None) -> None:
        super().__init__(object_list, per_page)
        if count is not None:
            self.__dict__["count"] = count  # fills the cached_property


# Query parameters that do not narrow the list (the place is applied by the picker).
_NOT_FILTERS = {"place", "sort", "page", "page_size"}


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    picker = selectors.place_picker(request.user, request.GET.get("place"))
    # The picker has already narrowed the rows to the chosen place (and checked
    # that the user reaches it); the FilterSet applies everything else.
    params = request.GET.copy()
    params.pop("place", None)
    filterset = HouseholdFilter(params, queryset=selectors.area_rows(request.user, picker))
    sort = request.GET.get("sort", "place")
    if sort not in selectors.SORTS:
        sort = "place"
    rows = filterset.qs.order_by(*selectors.SORTS[sort])
    page_size = _page_size(request)
    filtered = any(v.strip() for k, v in request.GET.items() if k not in _NOT_FILTERS)
    count = None if filtered else selectors.prepared_count(request.user, picker)
    page = _CountedPaginator(rows, page_size, count).get_page(request.GET.get("page"))
    can_reveal = scope.can(Cap.REVEAL)
    for household in page.object_list:
        # Sensitive labels (低保, disability...) only for roles that may reveal.
        household.shown_tags = [t for t in household.tags.all() if can_reveal or not t.sensitive]
        household.fresh_class, household.days_since = selectors.freshness(household.last_visit_at)
    query = request.GET.copy()
    query.pop("page", None)
    htmx = bool(request.htmx and not request.htmx.boosted)
    context = {
        "filter": filterset,
        "page": page,
        "sort": sort,
        "page_size": page_size,
        "query": query.urlencode(),
        "place_options": picker.options,
        "can_export": scope.can(Cap.EXPORT),
        "filtered": filtered or picker.selected is not None,
        "active_filters": sum(
            1 for k, v in request.GET.items() if v.strip() and k not in _NOT_FILTERS - {"place"}
        ),
        "sort_links": _sort_links(request, sort),
        # An htmx answer also replaces the place select, so the drill-down follows.
        "oob": htmx,
    }
    if htmx:
        return render(request, "grid/household_list.html#table", context)
    return render(request, "grid/household_list.html", context)


def _sort_links(request: HttpRequest, current: str) -> dict[str, str]:
    """Query strings that sort by a column, flipping the direction when already sorted."""
    links = {}
    for key in ("code", "head", "place", "visit"):
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = f"-{key}" if current == key else key
        links[key] = query.urlencode()
    return links


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    household = get_visible_or_404(
        Household.objects.select_related("place", "representative", "town"), user, pk=pk
    )
    scope = scope_for(user)
    can_reveal = scope.can(Cap.REVEAL)
    tags = [t for t in household.tags.all() if can_reveal or not t.sensitive]
    residents = Resident.objects.visible_to(user).filter(household=household)
    links = (
        RepresentativeLink.objects.visible_to(user)
        .filter(household=household)
        .select_related("representative")
    )
    fresh_class, days_since = selectors.freshness(household.last_visit_at)
    # A representative came from their households; everyone else from the list.
    mine = household.representative_id in scope.representative_ids
    back = reverse("grid:mine") if mine else reverse("grid:household_list")
    return render(
        request,
        "grid/household_detail.html",
        {
            "household": household,
            "tags": tags,
            "residents": residents,
            "links": links,
            "visits": selectors.recent_visits(user, household),
            "cases": selectors.household_cases(user, household),
            "crumbs": [*selectors.breadcrumbs(user, household.place), household.place],
            "can_reveal": can_reveal,
            "can_log_visit": scope.can(Cap.LOG_VISIT),
            "fresh_class": fresh_class,
            "days_since": days_since,
            "back_url": back,
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    rows = selectors.my_households(request.user)
    overdue = sum(1 for h in rows if h.fresh_class in ("fresh-stale", "fresh-never"))
    return render(request, "grid/mine.html", {"households": rows, "overdue": overdue})


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household.objects.select_related("place"), request.user, pk=pk)
    if not scope_for(request.user).can(Cap.LOG_VISIT):
        raise PermissionDenied
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_log(
                actor=request.user,
                household=household,
                mode=data["mode"],
                notes=data["notes"],
                visited_at=form.visited_at(),
                latitude=data["latitude"],
                longitude=data["longitude"],
                accuracy_m=data["accuracy_m"],
                device_time=data["device_time"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Visit to %(household)s recorded.") % {"household": household}
            )
            if request.POST.get("then") == "case":
                # "Save and report a need": the case intake, linked to this visit.
                return redirect(
                    reverse("cases:intake") + f"?household={household.pk}&visit={visit.pk}"
                )
            return redirect(reverse("grid:mine") + f"#hh-{household.pk}")
    return render(request, "grid/visit_form.html", {"household": household, "form": form})
