"""Reads for pages and API: scoped lists, the supervision board, public pages.

Everything a logged-in user sees starts from `Case.objects.visible_to(user)`.
The public pages (self-service, tracking, village board) have no user: they
read only what is public by design (a case by its unguessable code; anonymised
rows of public categories), and never personal fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as Switch

from grassroots.accounts.models import RoleAssignment, User
from grassroots.cases import rules
from grassroots.cases.models import (
    CLOCK_STATUSES,
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseIntake,
    CaseSummons,
    Category,
    IntakeStatus,
    Priority,
    clean_code,
)
from grassroots.cases.suggest import Similar, similar_open_cases
from grassroots.core import clock
from grassroots.core.memo import Memo
from grassroots.core.roles import Role
from grassroots.core.scoping import Unscoped, get_visible_or_404, scope_for, unscoped
from grassroots.grid.models import Place

LIST_RELATED = ("category", "place", "handler", "handler_place", "owner_place")

# Active categories by code, with their parent (deadlines fall back to the
# parent's limits): read by every filing, edited rarely in the admin.
CATEGORY_TTL = 60.0
CATEGORIES: Memo[str, Category] = Memo("case categories", ttl=CATEGORY_TTL)


def category_by_code(code: str) -> Category | None:
    return CATEGORIES.get(
        code,
        lambda c: Category.objects.filter(active=True, code=c).select_related("parent").first(),
    )


def visible_cases(user: Any) -> QuerySet:
    return Case.objects.visible_to(user).select_related(*LIST_RELATED)


HOT_PRIORITIES = (Priority.EMERGENCY, Priority.URGENT)

# The inbox's orders besides the default (urgent first), by column, each with its
# reverse ("-"): "due" soonest deadline first, "newest" latest filing first.
# Open cases stay above closed ones whatever the order.
INBOX_SORTS: dict[str, tuple[str, ...]] = {
    "due": ("resolve_due_at", "pk"),
    "-due": ("-resolve_due_at", "-pk"),
    "newest": ("-submitted_at", "-pk"),
    "-newest": ("submitted_at", "pk"),
}


def inbox(user: Any, sort: str = "", now: dt.datetime | None = None) -> QuerySet:
    """The cases in the user's reach, the ones to act on first.

    Default order: open cases that are overdue, urgent or supervised (督办);
    then the other open cases; then the closed ones; newest first within each.
    """
    now = now or clock.now()
    is_open = Q(status__in=OPEN_STATUSES)
    hot = Q(status__in=CLOCK_STATUSES, resolve_due_at__lt=now) | (
        is_open & (Q(priority__in=HOT_PRIORITIES) | Q(supervised=True))
    )
    qs = visible_cases(user).annotate(
        urgency=Switch(
            When(hot, then=Value(0)),
            When(is_open, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        closed=Switch(When(is_open, then=Value(0)), default=Value(1), output_field=IntegerField()),
        is_overdue=Switch(
            When(Q(status__in=CLOCK_STATUSES, resolve_due_at__lt=now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    if sort in INBOX_SORTS:
        return qs.order_by("closed", *INBOX_SORTS[sort])
    return qs.order_by("urgency", "-submitted_at", "-pk")


def place_label(place: Place) -> str:
    """One place as "明月村 · 一组" (a group with its village), else its name."""
    if place.kind != Place.Kind.GROUP:
        return place.name
    village = (
        unscoped(Place, why=Unscoped.PUBLIC)
        .filter(path=place.path[: -Place.steplen])
        .values_list("name", flat=True)
        .first()
    )
    return f"{village} · {place.name}" if village else place.name


def with_place_labels(rows: list[Case]) -> list[Case]:
    """Give each case a `place_label`, "明月村 · 一组": a group's name alone is ambiguous.

    The villages of all the rows come in one query, whatever the number of rows
    (the rows carry their place through select_related).
    """
    step = Place.steplen
    parents = {c.place.path[:-step] for c in rows if c.place.kind == Place.Kind.GROUP}
    names = dict(
        unscoped(Place, why=Unscoped.PUBLIC)
        .filter(path__in=parents)
        .values_list("path", "name")
        .order_by()
    )
    for c in rows:
        village = names.get(c.place.path[:-step]) if c.place.kind == Place.Kind.GROUP else None
        c.place_label = f"{village} · {c.place.name}" if village else c.place.name
    return rows


def figures(user: Any, now: dt.datetime | None = None) -> dict[str, int]:
    """Headline counts for the home page, in one aggregate query over the caller's cases."""
    now = now or clock.now()
    open_q = Q(status__in=OPEN_STATUSES)
    return Case.objects.visible_to(user).aggregate(
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=Q(status__in=CLOCK_STATUSES, resolve_due_at__lt=now)),
        supervised=Count("pk", filter=Q(supervised=True)),
    )


def mine_q(user: Any) -> Q:
    return rules.mine_q(scope_for(user))


# Who may be handed a case: handlers and secretaries anchored in its town.
HANDLER_ROLES = (Role.HANDLER, Role.SECRETARY)


def eligible_handlers(case: Case) -> QuerySet:
    """The people a case may be assigned, transferred or whistled to.

    The one rule for the form's choices, the API and the services (which refuse
    anyone else): active users holding a handler's or secretary's role anchored
    in the case's town. Who may assign at all is the transition table's concern.
    """
    ids = RoleAssignment.objects.filter(
        Q(place__path__startswith=case.town.path)
        | Q(organization__place_path__startswith=case.town.path),
        active=True,
        role__in=HANDLER_ROLES,
    ).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("username")


def town_units(case: Case) -> QuerySet:
    """The units a case may be handed to as a whole: its town and the town's villages."""
    # The case's town, not the caller's reach: who may hand a case on is the transition table's rule.
    return unscoped(Place, why=Unscoped.SYSTEM).filter(
        path__startswith=case.town.path, depth__lte=case.town.depth + 1
    )


def case_detail(user: Any, pk: int) -> Case:
    return get_visible_or_404(
        Case.objects.select_related(
            *LIST_RELATED, "town", "household", "reporter_representative"
        ).prefetch_related(
            Prefetch(
                "events", queryset=CaseEvent.objects.select_related("actor").order_by("at", "pk")
            ),
            Prefetch("summonses", queryset=CaseSummons.objects.select_related("user", "place")),
            "photos",
        ),
        user,
        pk=pk,
    )


BOARD_LISTS = ("overdue", "warning", "supervised")


def _board_filters(now: dt.datetime) -> dict[str, Q]:
    clocked = Q(status__in=CLOCK_STATUSES)
    return {
        "overdue": clocked & Q(resolve_due_at__lt=now),
        "warning": clocked & Q(resolve_due_at__gte=now, warned_at__isnull=False),
        "supervised": Q(status__in=OPEN_STATUSES, supervised=True),
    }


def board(user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """The supervision board's figures: counts, and overdue/warned cases by village and handler.

    Three aggregate queries whatever the number of cases; the lists themselves
    are read a page at a time (`board_list`).
    """
    now = now or clock.now()
    filters = _board_filters(now)
    base = visible_cases(user).order_by()
    counts = base.aggregate(**{k: Count("pk", filter=q) for k, q in filters.items()})
    late = base.filter(filters["overdue"] | filters["warning"])
    tally = {
        "overdue": Count("pk", filter=filters["overdue"]),
        "warning": Count("pk", filter=filters["warning"]),
    }
    by_village = [
        (row["owner_place__name"] or "—", row)
        for row in late.values("owner_place_id", "owner_place__name", "owner_place__path")
        .annotate(**tally)
        .order_by("-overdue", "-warning", "owner_place__path")
    ]
    by_handler = [
        (
            row["handler__display_name"] or row["handler__username"] or row["handler_place__name"],
            row,
        )
        for row in late.values("handler__display_name", "handler__username", "handler_place__name")
        .annotate(**tally)
        .order_by("-overdue", "-warning")[:20]
    ]
    return {"counts": counts, "by_village": by_village, "by_handler": by_handler, "now": now}


def board_list(user: Any, show: str, now: dt.datetime | None = None) -> QuerySet:
    """One list of the board, grouped by responsible level (village, or the town), most late first."""
    now = now or clock.now()
    return (
        visible_cases(user)
        .filter(_board_filters(now)[show])
        .annotate(village_name=F("owner_place__name"))
        .order_by("owner_place__path", "resolve_due_at", "pk")
    )


# ------------------------------------------------------------------ public


def case_by_code(code: str) -> Case | None:
    code = clean_code(code)
    if not code:
        return None
    return (
        unscoped(Case, why=Unscoped.PUBLIC)
        .select_related("category", "place", "town")
        .prefetch_related(Prefetch("events", queryset=CaseEvent.objects.order_by("at", "pk")))
        .filter(code=code)
        .first()
    )


def intake_by_code(code: str) -> CaseIntake | None:
    """A queued filing not yet registered (or refused), for the public tracking page."""
    code = clean_code(code)
    return unscoped(CaseIntake, why=Unscoped.PUBLIC).filter(code=code).first() if code else None


def intake_receipt(user: Any, code: str) -> dict[str, Any] | None:
    """What the filer may know about a queued filing: waiting, refused, or the case it became."""
    code = clean_code(code)
    intake = CaseIntake.objects.visible_to(user).filter(code=code).first()
    if intake is not None:
        return {
            "code": intake.code,
            "status": intake.status,
            "received_at": intake.received_at,
            "case": None,
            "error": intake.error,
        }
    # The filer may follow their own filing even where the case lies outside their reach.
    case = (
        unscoped(Case, why=Unscoped.SYSTEM)
        .filter(code=code)
        .filter(Q(pk__in=Case.objects.visible_to(user).values("pk")) | Q(submitted_by=user))
        .values("pk", "submitted_at")
        .first()
    )
    if case is None:
        return None
    return {
        "code": code,
        "status": IntakeStatus.DONE,
        "received_at": case["submitted_at"],
        "case": case["pk"],
        "error": "",
    }


def public_villages() -> QuerySet:
    return (
        unscoped(Place, why=Unscoped.PUBLIC)
        .filter(kind__in=[Place.Kind.VILLAGE, Place.Kind.COMMUNITY])
        .order_by("path")
    )


def public_groups() -> QuerySet:
    """Where a resident can say the problem is: villages and their groups."""
    return (
        unscoped(Place, why=Unscoped.PUBLIC)
        .filter(kind__in=[Place.Kind.VILLAGE, Place.Kind.COMMUNITY, Place.Kind.GROUP])
        .order_by("path")
    )


def public_place(pk: Any) -> Place | None:
    try:
        return public_groups().filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def public_board(village: Place, limit: int = 50) -> dict[str, Any]:
    """Anonymised progress of a village: public categories only, no text, no names."""
    qs = (
        unscoped(Case, why=Unscoped.PUBLIC)
        .filter(place_path__startswith=village.path, category__public=True)
        .select_related("category")
    )
    counts = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    rows = list(qs.order_by("-submitted_at")[:limit])
    return {"village": village, "counts": counts, "rows": rows}


def public_categories() -> QuerySet:
    return Category.objects.filter(active=True).order_by("sort", "code")


def public_village(pk: Any) -> Place | None:
    try:
        return public_villages().filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def towns_for(user: Any) -> list[Place]:
    """The towns whose measures the user may read (town administrators)."""
    scope = scope_for(user)
    # Measures follow the town-administrator anchor (scope.town_paths), not the place reach.
    qs = unscoped(Place, why=Unscoped.SYSTEM).filter(
        kind__in=[Place.Kind.TOWN, Place.Kind.SUBDISTRICT]
    )
    if not scope.everything:
        q = Q(pk__in=[])
        for path in scope.town_paths:
            q |= Q(path=path)
        qs = qs.filter(q)
    return list(qs.order_by("path"))


def children_of(place: Place) -> list[Place]:
    return list(
        unscoped(Place, why=Unscoped.SYSTEM)
        .filter(path__startswith=place.path, depth=place.depth + 1)
        .order_by("path")
    )


# ------------------------------------------------------------ similar cases


def similar_for(user: Any, case: Case) -> list[Similar]:
    """Open cases the user reaches that look like `case` (same village, window); not itself."""
    if case.status not in OPEN_STATUSES:
        return []
    return similar_open_cases(
        case.text, place=case.place, exclude=case.pk, base=visible_cases(user)
    )


def public_similar(text: str, place: Place, exclude: int | None = None) -> list[Similar]:
    """Similar open cases for a filer without an account (self-service, Open311).

    Only cases of public categories, as on the public board; callers show
    their public fields (category, status, date, Open311 id), never the text.
    """
    base = unscoped(Case, why=Unscoped.PUBLIC).filter(category__public=True)
    return similar_open_cases(text, place=place, exclude=exclude, base=base)
