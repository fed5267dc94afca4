"""Reads of site projects: the scoped board with its overdue flag, stage counts, the finder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils.translation import pgettext_lazy

from grassroots.core import clock, records
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.sites.models import STAGES, Project, Stage, StageStep

NOT_STARTED = pgettext_lazy("site stage", "Not started")


def _late_steps(today: dt.date) -> QuerySet:
    # Tied to rows already scoped by the caller: it reads no row the caller does not reach.
    return unscoped(StageStep, why=Unscoped.SYSTEM).filter(
        planned_on__lt=today, done_on__isnull=True
    )


def _past_deadline(today: dt.date) -> Q:
    return Q(deadline__lt=today) & ~Q(stage=Stage.IN_USE)


def overdue_q(today: dt.date) -> Q:
    """Past the deadline and not in use, or a stage's planned date passed without its actual one.

    For filtering and counting a whole board: the late steps are read once (a hashed
    `IN`), not probed once per project (5x faster for 64,000 projects)."""
    return _past_deadline(today) | Q(pk__in=_late_steps(today).values("project_id"))


def with_overdue(rows: QuerySet, today: dt.date | None = None) -> QuerySet:
    """`overdue` on each row, on overdue_q's rule: one probe per row, for a page of rows."""
    today = today or clock.today()
    late = Exists(_late_steps(today).filter(project=OuterRef("pk")))
    flag = ExpressionWrapper(_past_deadline(today) | Q(late), output_field=BooleanField())
    return rows.annotate(overdue=flag)


def projects(user: Any) -> QuerySet:
    """The projects the user reaches, with what the board shows (steps prefetched, overdue)."""
    # The steps of projects already scoped.
    steps = Prefetch("steps", queryset=unscoped(StageStep, why=Unscoped.SYSTEM).order_by("pk"))
    rows = (
        Project.objects.visible_to(user)
        .select_related("branch")
        .prefetch_related(steps)
        .order_by("org_path", "pk")
    )
    return with_overdue(rows)


def stage_counts(rows: QuerySet) -> list[tuple[str, str, int]]:
    """(stage, label, number of projects whose last reached stage it is), every stage present;
    a first ("", "Not started") row only when some project has reached none."""
    found = dict(rows.order_by().values_list("stage").annotate(n=Count("pk")))
    counts = [(stage, str(Stage(stage).label), found.get(stage, 0)) for stage in STAGES]
    if found.get(""):
        counts.insert(0, ("none", str(NOT_STARTED), found[""]))
    return counts


def overdue_count(rows: QuerySet, today: dt.date | None = None) -> int:
    return rows.order_by().filter(overdue_q(today or clock.today())).count()


def steps_of(project: Project) -> list[StageStep]:
    """The project's six steps in stage order (prefetched by `projects`)."""
    by_stage = {step.stage: step for step in project.steps.all()}
    return [by_stage[s] for s in STAGES if s in by_stage]


EXPORT_FIELDS = (
    "pk",
    "branch__name",
    "name",
    "stage",
    "deadline",
    "overdue",
    "is_demonstration",
    "linked_projects",
)
STEP_FIELDS = ("steps__stage", "steps__planned_on", "steps__done_on")


def export_rows(rows: QuerySet) -> Iterator[tuple[tuple[Any, ...], dict[str, tuple[Any, Any]]]]:
    """Each project of `rows` (as EXPORT_FIELDS, in their order) with its steps by stage,
    (planned_on, done_on): one query of a project's rows joined to its steps, read in
    chunks, no model built. A province's 70,000 projects stream through it."""
    flat = (
        rows.prefetch_related(None)
        .select_related(None)
        .order_by(*rows.query.order_by, "pk", "steps__pk")
        .values_list(*EXPORT_FIELDS, *STEP_FIELDS)
        .iterator(chunk_size=5000)
    )
    width = len(EXPORT_FIELDS)
    for _pk, group in groupby(flat, key=itemgetter(0)):
        steps: dict[str, tuple[Any, Any]] = {}
        for row in group:
            if row[width] is not None:
                steps[row[width]] = (row[width + 1], row[width + 2])
        yield row[:width], steps


Finder = Callable[[Sequence[int], dt.date, dt.date], dict[int, tuple[int, dt.date]]]


def finder(stage: str) -> Finder:
    """The `core.records` finder of one stage: per branch, the earliest project reaching it."""

    def find(
        org_ids: Sequence[int], start: dt.date, end: dt.date
    ) -> dict[int, tuple[int, dt.date]]:
        rows = unscoped(StageStep, why=Unscoped.SYSTEM).filter(
            stage=stage,
            project__branch_id__in=list(org_ids),
            done_on__gte=start,
            done_on__lte=end,
        )
        return records.earliest(rows, org="project__branch_id", date="done_on", record="project_id")

    return find
