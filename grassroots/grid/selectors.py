"""Read-side queries for the grid pages: counts, lists and freshness.

Everything starts from `visible_to(user)`, so a count never includes a record
the reader could not open. Per-child counts group by a prefix of the stored
path, which keeps the number of queries constant whatever the number of
children.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr

from grassroots.core import clock
from grassroots.core.memo import Memo
from grassroots.core.scoping import Unscoped, get_visible_or_404, prefix_q, scope_for, unscoped
from grassroots.grid.models import Household, Place, Representative, Resident, Visit

# Places by id and by path, for the hot write paths (filing a case). A path
# never changes (decision 0001); names may, and show after at most PLACE_TTL.
PLACE_TTL = 300.0
PLACES: Memo[tuple[str, Any], Place] = Memo("places", ttl=PLACE_TTL)


def place_by_id(pk: int) -> Place | None:
    """The place with this id (unscoped: callers check the scope), remembered."""
    return PLACES.get(
        ("id", int(pk)), lambda key: unscoped(Place, why=Unscoped.SYSTEM).filter(pk=key[1]).first()
    )


def place_by_path(path: str) -> Place | None:
    return PLACES.get(
        ("path", path), lambda key: unscoped(Place, why=Unscoped.SYSTEM).filter(path=key[1]).first()
    )


def visit_cutoff(days: int | None = None) -> dt.datetime:
    days = settings.GRASSROOTS["VISIT_STALE_DAYS"] if days is None else days
    return clock.now() - dt.timedelta(days=days)


@dataclass
class PlaceCounts:
    households: int = 0
    visited: int = 0
    residents: int = 0
    representatives: int = 0

    @property
    def visited_pct(self) -> float | None:
        """Share visited in the stale window, in percent with one decimal."""
        if not self.households:
            return None
        return round(100 * self.visited / self.households, 1)


def counts_by_prefix(user: Any, paths: Iterable[str]) -> dict[str, PlaceCounts]:
    """Live counts for each place path, two queries per distinct path length.

    Siblings share one path length, so a drill-down level costs two queries
    (households with their visit share and representatives, then residents).
    """
    by_length: dict[int, list[str]] = defaultdict(list)
    for path in paths:
        by_length[len(path)].append(path)
    result: dict[str, PlaceCounts] = {}
    cutoff = visit_cutoff()
    for length, group in by_length.items():
        for path in group:
            result[path] = PlaceCounts()
        households = (
            Household.objects.visible_to(user)
            .filter(prefix_q("place_path", group))
            .annotate(prefix=Substr("place_path", 1, length))
            .values("prefix")
            .annotate(
                n=Count("id"),
                visited=Count("id", filter=Q(last_visit_at__gte=cutoff)),
                reps=Count("representative_id", distinct=True),
            )
            .order_by()
        )
        for row in households:
            counts = result[row["prefix"]]
            counts.households = row["n"]
            counts.visited = row["visited"]
            counts.representatives = row["reps"]
        residents = (
            Resident.objects.visible_to(user)
            .filter(prefix_q("place_path", group))
            .annotate(prefix=Substr("place_path", 1, length))
            .values("prefix")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in residents:
            result[row["prefix"]].residents = row["n"]
    return result


def browser_roots(user: Any) -> QuerySet:
    """The top places a user starts browsing from."""
    scope = scope_for(user)
    places = Place.objects.visible_to(user)
    if scope.everything:
        return places.filter(depth=1)
    if scope.place_paths:
        return places.filter(path__in=scope.place_paths)
    # A representative reaches only the groups of their own households.
    return places


def children(user: Any, place: Place) -> QuerySet:
    return Place.objects.visible_to(user).filter(path__startswith=place.path, depth=place.depth + 1)


def breadcrumbs(user: Any, place: Place) -> list[Place]:
    """Visible ancestors of a place, root first (one query)."""
    step = Place.steplen
    ancestor_paths = [place.path[:i] for i in range(step, len(place.path), step)]
    if not ancestor_paths:
        return []
    return list(Place.objects.visible_to(user).filter(path__in=ancestor_paths).order_by("path"))


SORTS = {
    "code": ("code",),
    "-code": ("-code",),
    "head": ("head_name", "code"),
    "-head": ("-head_name", "code"),
    "place": ("place_path", "code"),
    "-place": ("-place_path", "code"),
    "visit": (F("last_visit_at").asc(nulls_first=True), "code"),
    "-visit": (F("last_visit_at").desc(nulls_last=True), "code"),
}


def household_rows(user: Any) -> QuerySet:
    """Households for list pages with everything a row shows, in constant queries."""
    return (
        Household.objects.visible_to(user)
        .select_related("place", "representative")
        .prefetch_related("tags")
    )


# The place filter never lists more than this many options: a county-wide user
# reaches 9,500 villages and groups, and rendering them all cost seconds.
PLACE_PICKER_CAP = 200

# Above this many households an unfiltered count is read from the prepared
# figures (one indexed row) instead of counted (a scan of the subtree).
ROLLUP_COUNT_ABOVE = 20_000


def path_upper(prefix: str) -> str | None:
    """The smallest path sorting after every path under `prefix` (None: no bound).

    Paths use treebeard's alphabet (0-9A-Z), which sorts the same way under
    byte order and the usual collations, so `prefix <= p < upper` selects the
    subtree with an index range scan where LIKE 'prefix%' may not (SQLite's
    LIKE ... ESCAPE never uses an index).
    """
    alphabet = Place.alphabet
    chars = list(prefix)
    while chars:
        i = alphabet.find(chars[-1])
        if 0 <= i < len(alphabet) - 1:
            chars[-1] = alphabet[i + 1]
            return "".join(chars)
        chars.pop()
    return None


def subtree_q(field_name: str, path: str) -> Q:
    """Rows whose path lies under `path`, as an index range (see path_upper)."""
    upper = path_upper(path)
    q = Q(**{f"{field_name}__gte": path})
    return q & Q(**{f"{field_name}__lt": upper}) if upper else q


@dataclass
class PlaceOption:
    pk: int
    label: str
    level: int
    selected: bool = False

    @property
    def indent(self) -> str:
        # Ideographic spaces survive in <option> text, where ASCII ones collapse.
        return "\u3000" * self.level


@dataclass
class PlacePicker:
    """The place filter as a drill-down: the chain to the chosen place, then its children."""

    selected: Place | None
    area: Place | None  # the subtree the list is narrowed to (chosen or the only root)
    options: list[PlaceOption]


def place_picker(user: Any, place_id: object) -> PlacePicker:
    """Options for the place filter in at most three queries, never more than the cap.

    An unknown or unreachable place raises Http404, like every out-of-scope id.
    """
    scope = scope_for(user)
    selected = None
    if place_id not in (None, ""):
        selected = get_visible_or_404(Place, user, pk=place_id)
    options: list[PlaceOption] = []
    chain: list[Place] = []
    if selected is not None:
        # Ancestors above the user's area would only repeat "All": leave them out.
        chain = [p for p in breadcrumbs(user, selected) if scope.covers_place_path(p.path)] + [
            selected
        ]
        area = selected
    else:
        roots = list(browser_roots(user)[: PLACE_PICKER_CAP + 1])
        area = roots[0] if len(roots) == 1 else None
        if area is not None:
            chain = roots
        else:
            options = [PlaceOption(p.pk, p.name, 0) for p in roots[:PLACE_PICKER_CAP]]
    for level, p in enumerate(chain):
        options.append(PlaceOption(p.pk, p.name, level, selected=p is selected))
    if area is not None and area.kind != Place.Kind.GROUP:
        kids = children(user, area).order_by("path")[:PLACE_PICKER_CAP]
        options.extend(PlaceOption(p.pk, p.name, len(chain)) for p in kids)
    return PlacePicker(selected=selected, area=area, options=options)


def area_rows(user: Any, picker: PlacePicker) -> QuerySet:
    """The list's rows narrowed to the picker's area as an index range on place_path.

    The range (beside the scope's LIKE) lets PostgreSQL walk the place_path
    index in list order and stop after a page; LIKE alone is not an ordered
    range there, and the last town of a county took 190 ms. Adding town_id
    too made the planner multiply correlated selectivities and sort instead.
    """
    rows = household_rows(user)
    if picker.area is not None:
        rows = rows.filter(subtree_q("place_path", picker.area.path))
    return rows


# How many households a place path holds according to prepared figures the user may
# read (None: no such figure). The figures live in analytics, above grid: it provides
# the reader from its AppConfig.ready(), so grid never imports it.
PreparedHouseholds = Callable[[Any, str], int | None]
_prepared_households: list[PreparedHouseholds] = []


def provide_prepared_households(reader: PreparedHouseholds) -> None:
    """Install the reader of prepared household counts (the last one wins)."""
    _prepared_households[:] = [reader]


def prepared_count(user: Any, picker: PlacePicker) -> int | None:
    """The area's household count from the prepared figures, when it is large and exact.

    None when the figure does not apply (no single area; households reached
    through representative links, which no subtree figure covers; a figure the
    user may not read; no app provides figures) or when the area is small enough
    to count directly.
    """
    scope = scope_for(user)
    if picker.area is None or (scope.representative_ids and not scope.everything):
        return None
    if not scope.covers_place_path(picker.area.path) or not _prepared_households:
        return None
    households = _prepared_households[0](user, picker.area.path)
    if households is None or households < ROLLUP_COUNT_ABOVE:
        return None
    return households


def freshness(last_visit_at: dt.datetime | None) -> tuple[str, int | None]:
    """CSS class and days since the last visit."""
    if last_visit_at is None:
        return "fresh-never", None
    days = (clock.now() - last_visit_at).days
    if days > settings.GRASSROOTS["VISIT_STALE_DAYS"]:
        return "fresh-stale", days
    if days > settings.GRASSROOTS["VISIT_WARN_DAYS"]:
        return "fresh-warn", days
    return "fresh-ok", days


def my_households(user: Any) -> list[Household]:
    """A representative's own households, most overdue first, with their freshness."""
    scope = scope_for(user)
    rows = list(
        Household.objects.visible_to(user)
        .filter(representative_id__in=scope.representative_ids, representative__active=True)
        .select_related("place")
        .order_by(F("last_visit_at").asc(nulls_first=True), "code")
    )
    for household in rows:
        household.fresh_class, household.days_since = freshness(household.last_visit_at)
    return rows


def figures(user: Any) -> dict[str, Any]:
    """Key grid figures of the user's scope, one aggregate query per table."""
    cutoff = visit_cutoff()
    hh = Household.objects.visible_to(user).aggregate(
        households=Count("id"), visited=Count("id", filter=Q(last_visit_at__gte=cutoff))
    )
    residents = Resident.objects.visible_to(user).count()
    representatives = Representative.objects.visible_to(user).filter(active=True).count()
    pct = round(100 * hh["visited"] / hh["households"], 1) if hh["households"] else None
    return {
        "households": hh["households"],
        "visited": hh["visited"],
        "visited_pct": pct,
        "residents": residents,
        "representatives": representatives,
    }


def recent_visits(user: Any, household: Household, limit: int = 10) -> QuerySet:
    return (
        Visit.objects.visible_to(user)
        .filter(household=household)
        .select_related("representative")[:limit]
    )


@dataclass(frozen=True)
class HouseholdCase:
    """One of a household's cases as the household page lists it (filled by a higher app)."""

    url: str
    code: str
    title: str
    status: str
    is_open: bool
    overdue: bool
    submitted_at: dt.datetime


# The cases of a household the user may read. Cases live above grid: the top
# layer provides the reader from its AppConfig.ready(), so grid never imports it.
HouseholdCases = Callable[[Any, Household], list[HouseholdCase]]
_household_cases: list[HouseholdCases] = []


def provide_household_cases(reader: HouseholdCases) -> None:
    """Install the reader of a household's cases (the last one wins)."""
    _household_cases[:] = [reader]


def household_cases(user: Any, household: Household) -> list[HouseholdCase] | None:
    """The household's cases the user reaches, newest first (None: no app provides them)."""
    if not _household_cases:
        return None
    return _household_cases[0](user, household)
