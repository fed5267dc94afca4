"""Measures per grid node and month, computed from the event timeline.

Cohort: the cases whose place lies under the node (place_path prefix) and which
were submitted in the month (local time). Read at instant `as_of` (default now):
events after `as_of` are ignored. Rejected cases count only in the response rate.

- response rate (响应率) = cases whose first accept/reject/withdraw event came at
  or before `response_due_at`, ÷ cases that have responded or whose response is
  already due at `as_of`.
- resolution rate (解决率) = cases closed by a call-back with closure "resolved" or
  "partly resolved", ÷ cases closed (by call-back or withdrawal) other than those
  withdrawn or duplicate.
- satisfaction rate (满意率) = satisfied judgments ÷ all judgments, a judgment being
  a call-back ("close" satisfied, "rework" not) or a resident's own rating of an
  answer ("rate" events: RATING_SATISFIED and up satisfied, below not). The rate
  parts keep their names: `callbacks` counts all judgments, `satisfied_callbacks`
  the satisfied ones.
- on-time rate (按期办结率) = closed-by-call-back cases whose last reply came at or
  before `resolve_due_at`, ÷ (those closed cases + cases still open, not yet
  replied, whose `resolve_due_at` has passed at `as_of`).
- return rate (退单率) = cases with at least one "return" ÷ cases ever assigned.
- rework rate (返工率) = cases with at least one "rework" ÷ cases with a call-back.
- average working days to resolve = mean working days (working-time clock of
  `deadlines`) from submission to the last reply, over closed-by-call-back cases.

A rate is None when its denominator is 0. Village ranking: by the mean of the
available rates (response, resolution, satisfaction, on-time), higher first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import (
    CharField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils import timezone

from grassroots.cases import deadlines
from grassroots.cases.models import Case, CaseEvent, Closure
from grassroots.cases.selectors import children_of
from grassroots.core import clock
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Place

KINDS = ("accept", "reject", "withdraw", "assign", "return", "reply", "close", "rework", "reopen")


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime(year, month, 1))
    end = timezone.make_aware(
        dt.datetime(year + 1, 1, 1) if month == 12 else dt.datetime(year, month + 1, 1)
    )
    return start, end


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


@dataclass
class Measures:
    cases: int = 0
    response_base: int = 0
    responded_on_time: int = 0
    resolution_base: int = 0
    resolved: int = 0
    callbacks: int = 0
    satisfied_callbacks: int = 0
    on_time_base: int = 0
    on_time: int = 0
    assigned: int = 0
    returned: int = 0
    called_back_cases: int = 0
    reworked: int = 0
    resolve_days: list[float] = field(default_factory=list)

    @property
    def response_rate(self) -> float | None:
        return _rate(self.responded_on_time, self.response_base)

    @property
    def resolution_rate(self) -> float | None:
        return _rate(self.resolved, self.resolution_base)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied_callbacks, self.callbacks)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.on_time_base)

    @property
    def return_rate(self) -> float | None:
        return _rate(self.returned, self.assigned)

    @property
    def rework_rate(self) -> float | None:
        return _rate(self.reworked, self.called_back_cases)

    @property
    def avg_days_to_resolve(self) -> float | None:
        if not self.resolve_days:
            return None
        return round(sum(self.resolve_days) / len(self.resolve_days), 2)

    @property
    def score(self) -> float:
        rates = [
            r
            for r in (
                self.response_rate,
                self.resolution_rate,
                self.satisfaction_rate,
                self.on_time_rate,
            )
            if r is not None
        ]
        return round(sum(rates) / len(rates), 4) if rates else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "response_rate": self.response_rate,
            "resolution_rate": self.resolution_rate,
            "satisfaction_rate": self.satisfaction_rate,
            "on_time_rate": self.on_time_rate,
            "return_rate": self.return_rate,
            "rework_rate": self.rework_rate,
            "avg_days_to_resolve": self.avg_days_to_resolve,
            "score": self.score,
        }


# The eight parts of the four rates, per case (0/1, or a count for the call-backs).
# A resident's rating (1–5) from this value up counts as satisfied (满意, 非常满意).
RATING_SATISFIED = 4

RATE_PARTS = (
    "response_base",
    "responded_on_time",
    "resolution_base",
    "resolved",
    "callbacks",
    "satisfied_callbacks",
    "on_time_base",
    "on_time",
)


def with_rate_parts(cases: QuerySet, as_of: dt.datetime, *, prefix: str = "") -> QuerySet:
    """`cases` submitted by `as_of`, each annotated with its RATE_PARTS as of `as_of`.

    The single definition of the rates (see the module docstring), in SQL so that the
    prepared figures (analytics) sum it with GROUP BY over a county's cases, and this
    module's pages sum the same expressions: the two can never disagree. Events after
    `as_of` are ignored; "first"/"last" follow the timeline order (at, pk). `prefix` is
    put before each part's name (a caller that sums them under the plain names).
    """
    ev = unscoped(CaseEvent, why=Unscoped.SYSTEM).filter(  # the events of the cases given
        case=OuterRef("pk"), at__lte=as_of
    )

    def pick(kinds: tuple[str, ...], column: str, *, last: bool) -> Subquery:
        order = ("-at", "-pk") if last else ("at", "pk")
        return Subquery(ev.filter(kind__in=kinds).order_by(*order).values(column)[:1])

    def count(kind: str, **where: Any) -> Coalesce:
        n = ev.filter(kind=kind, **where).order_by().annotate(n=Func(F("pk"), function="COUNT"))
        return Coalesce(Subquery(n.values("n")[:1]), 0, output_field=IntegerField())

    state_kinds = ("close", "withdraw", "reopen")
    closure = ev.filter(kind__in=state_kinds).order_by("-at", "-pk").annotate(c=KT("data__closure"))
    cases = cases.filter(submitted_at__lte=as_of).annotate(
        rp_first_response=pick(("accept", "reject", "withdraw"), "at", last=False),
        rp_rejected=Exists(ev.filter(kind="reject")),
        rp_closes=count("close"),
        rp_reworks=count("rework"),
        rp_ratings=count("rate"),
        rp_pleased=count("rate", data__rating__gte=RATING_SATISFIED),
        # The case's state at as_of: the last of close/withdraw/reopen decides.
        rp_state=pick(state_kinds, "kind", last=True),
        rp_closure=Coalesce(Subquery(closure.values("c")[:1]), Value(""), output_field=CharField()),
        rp_last_reply=pick(("reply",), "at", last=True),
        # Is the latest answer still standing (a reply not sent back by rework/reopen)?
        rp_answer=pick(("reply", "rework", "reopen"), "kind", last=True),
    )
    responded = Q(rp_first_response__isnull=False)
    kept = Q(rp_rejected=False)  # a rejected case counts in the response rate only
    closed_by_callback = kept & Q(rp_state="close")
    still_open = Q(rp_state__isnull=True) | Q(rp_state="reopen")
    not_answered = Q(rp_answer__isnull=True) | ~Q(rp_answer="reply")

    def flag(condition: Q) -> DbCase:
        return DbCase(When(condition, then=Value(1)), default=Value(0))

    parts = {
        "response_base": flag(responded | Q(response_due_at__lte=as_of)),
        "responded_on_time": flag(responded & Q(rp_first_response__lte=F("response_due_at"))),
        "resolution_base": flag(
            kept
            & Q(rp_state__in=("close", "withdraw"))
            & ~Q(rp_closure__in=(Closure.WITHDRAWN, Closure.DUPLICATE))
        ),
        "resolved": flag(closed_by_callback & Q(rp_closure__in=(Closure.RESOLVED, Closure.PARTLY))),
        "callbacks": DbCase(
            When(kept, then=F("rp_closes") + F("rp_reworks") + F("rp_ratings")),
            default=Value(0),
        ),
        "satisfied_callbacks": DbCase(
            When(kept, then=F("rp_closes") + F("rp_pleased")), default=Value(0)
        ),
        "on_time_base": flag(
            closed_by_callback | (kept & still_open & not_answered & Q(resolve_due_at__lt=as_of))
        ),
        "on_time": flag(
            closed_by_callback
            & Q(rp_last_reply__isnull=False)
            & Q(rp_last_reply__lte=F("resolve_due_at"))
        ),
    }
    return cases.annotate(**{prefix + name: parts[name] for name in RATE_PARTS})


def _add_case(
    m: Measures, case: dict[str, Any], events: list[dict[str, Any]], as_of: dt.datetime
) -> None:
    m.cases += 1
    # The rate parts come from SQL (`with_rate_parts`): one definition for this page,
    # the prepared figures (analytics) and everything that reads them.
    for name in RATE_PARTS:
        setattr(m, name, getattr(m, name) + case[name])
    kinds = [e["kind"] for e in events]
    if "reject" in kinds:
        return
    if "assign" in kinds:
        m.assigned += 1
        if "return" in kinds:
            m.returned += 1
    closes = [e for e in events if e["kind"] == "close"]
    reworks = [e for e in events if e["kind"] == "rework"]
    if closes or reworks:
        m.called_back_cases += 1
        if reworks:
            m.reworked += 1
    last = next((e for e in reversed(events) if e["kind"] in ("close", "withdraw", "reopen")), None)
    if last is not None and last["kind"] == "close":
        last_reply = next((e["at"] for e in reversed(events) if e["kind"] == "reply"), None)
        if last_reply is not None:
            m.resolve_days.append(
                round(deadlines.working_days_elapsed(case["submitted_at"], last_reply), 2)
            )


def _collect(
    cases: QuerySet, as_of: dt.datetime
) -> tuple[list[dict[str, Any]], dict[int, list[dict[str, Any]]]]:
    rows = list(
        with_rate_parts(cases, as_of).values(
            "pk",
            "place_path",
            "submitted_at",
            "response_due_at",
            "resolve_due_at",
            "status",
            *RATE_PARTS,
        )
    )
    events: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in (
        unscoped(CaseEvent, why=Unscoped.SYSTEM)  # the events of the cases given
        .filter(case__in=cases, kind__in=KINDS, at__lte=as_of)
        .order_by("at", "pk")
        .values("case_id", "kind", "at", "data")
    ):
        events[e["case_id"]].append(e)
    return rows, events


def measures_for(
    node: Place, year: int, month: int, *, as_of: dt.datetime | None = None
) -> Measures:
    as_of = as_of or clock.now()
    start, end = month_bounds(year, month)
    # A node's figures: the caller shows them only for a node it reaches (`towns_for`).
    cases = unscoped(Case, why=Unscoped.SYSTEM).filter(
        place_path__startswith=node.path, submitted_at__gte=start, submitted_at__lt=end
    )
    rows, events = _collect(cases, as_of)
    m = Measures()
    for row in rows:
        _add_case(m, row, events.get(row["pk"], []), as_of)
    return m


def village_ranking(
    town: Place, year: int, month: int, *, as_of: dt.datetime | None = None
) -> list[tuple[Place, Measures]]:
    """Every village/community of the town with its measures, best first."""
    as_of = as_of or clock.now()
    start, end = month_bounds(year, month)
    villages = children_of(town)
    cases = unscoped(Case, why=Unscoped.SYSTEM).filter(  # as in measures_for
        place_path__startswith=town.path, submitted_at__gte=start, submitted_at__lt=end
    )
    rows, events = _collect(cases, as_of)
    by_village = {v.path: Measures() for v in villages}
    width = len(town.path) + Place.steplen
    for row in rows:
        m = by_village.get(row["place_path"][:width])
        if m is not None:
            _add_case(m, row, events.get(row["pk"], []), as_of)
    ranked = [(v, by_village[v.path]) for v in villages]
    ranked.sort(key=lambda pair: (-pair[1].score, -pair[1].cases, pair[0].path))
    return ranked


__all__ = [
    "RATE_PARTS",
    "Measures",
    "measures_for",
    "month_bounds",
    "village_ranking",
    "with_rate_parts",
]
