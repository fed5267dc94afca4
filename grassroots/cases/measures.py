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
from django.db.models import CharField, Count, F, Func, Max, Min, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, Substr
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


# Each event's key on its case's timeline: its instant as fixed-width UTC text, then its pk
# padded to 20 digits. Keys sort like the timeline order (at, pk).
KEY_WIDTH = 26 + 20


class TimelineKey(Func):
    """An event's timeline key (KEY_WIDTH characters) followed by `value` (text).

    The MAX of some events' keys is the last one's, and its value starts at KEY_WIDTH + 1:
    one grouped pass over the events finds "the kind of the last such event", where a
    subquery per case would look it up again for every case (`with_rate_parts`).
    """

    output_field = CharField()
    arity = 3

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        (at, at_params), (pk, pk_params), (value, value_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        if connection.vendor == "postgresql":
            instant = f"TO_CHAR({at} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
            number = f"LPAD(CAST({pk} AS TEXT), 20, '0')"
        else:  # SQLite keeps naive UTC text, with the microseconds only when not zero
            instant = f"SUBSTR({at} || '.000000', 1, 26)"
            number = f"PRINTF('%%020d', {pk})"
        return f"({instant} || {number} || {value})", [*at_params, *pk_params, *value_params]


def with_rate_parts(cases: QuerySet, as_of: dt.datetime, *, prefix: str = "") -> QuerySet:
    """`cases` submitted by `as_of`, each annotated with its RATE_PARTS as of `as_of`.

    The single definition of the rates (see the module docstring), in SQL so that the
    prepared figures (analytics) sum it over a county's cases, and this module's pages sum
    the same expressions: the two can never disagree. Events after `as_of` are ignored;
    "first"/"last" follow the timeline order (at, pk).

    The parts are aggregates of one grouped pass over the cases' events (a LEFT JOIN, GROUP
    BY case), not subqueries per case: a caller sums them in an outer query (analytics wraps
    the SQL; `.aggregate()` wraps by itself). `prefix` is put before each part's name.
    """
    at = "events__at"

    def of(*kinds: str) -> Q:
        return Q(events__at__lte=as_of, events__kind__in=kinds)

    def last(value: Any, *kinds: str) -> Substr:
        key = Max(TimelineKey(F(at), F("events__pk"), value), filter=of(*kinds))
        return Substr(key, KEY_WIDTH + 1)

    state_kinds = ("close", "withdraw", "reopen")
    closure = Coalesce(KeyTextTransform("closure", "events__data"), Value(""))
    cases = cases.filter(submitted_at__lte=as_of).annotate(
        rp_first_response=Min(at, filter=of("accept", "reject", "withdraw")),
        rp_rejects=Count("events", filter=of("reject")),
        rp_closes=Count("events", filter=of("close")),
        rp_reworks=Count("events", filter=of("rework")),
        rp_ratings=Count("events", filter=of("rate")),
        rp_pleased=Count(
            "events", filter=of("rate") & Q(events__data__rating__gte=RATING_SATISFIED)
        ),
        # The case's state at as_of: the last of close/withdraw/reopen decides.
        rp_state=last(F("events__kind"), *state_kinds),
        rp_closure=Coalesce(last(closure, *state_kinds), Value(""), output_field=CharField()),
        rp_last_reply=Max(at, filter=of("reply")),
        # Is the latest answer still standing (a reply not sent back by rework/reopen)?
        rp_answer=last(F("events__kind"), "reply", "rework", "reopen"),
    )
    responded = Q(rp_first_response__isnull=False)
    kept = Q(rp_rejects=0)  # a rejected case counts in the response rate only
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
    "TimelineKey",
    "measures_for",
    "month_bounds",
    "village_ranking",
    "with_rate_parts",
]
