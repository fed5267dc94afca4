"""Benchmarks of the programmes part of trainings (contract in grassroots/core/bench.py).

- trainings.hours_http: the study-hours page `/trainings/hours/` (hours per branch and the
  members behind their yearly hours) over HTTP as the bench superuser, at the demo's size:
  the trainings demo is loaded once into the first synthetic town with a Party committee
  (two winter–spring trainings of about 1,000 members each, the secretaries' training, the
  lecture series, a skills course, with attendance), kept between runs. Grouped queries
  only; target p95 < 300 ms.

The check-in part's benchmark (the main-venue rush) lives in `benchmarks_checkin.py`;
both are listed here, where `grassroots bench` finds them.
"""

from __future__ import annotations

import dataclasses

from django.db import transaction
from django.urls import reverse

from grassroots.core import clock
from grassroots.core.bench import BenchContext, Benchmark, BenchResult, page_over_http
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Place
from grassroots.party.models import Organization
from grassroots.trainings import benchmarks_checkin
from grassroots.trainings.demo import load_demo_trainings
from grassroots.trainings.models import Attendance, Enrolment, Programme

TARGET_S = 0.300


@transaction.atomic
def _ensure_trainings(ctx: BenchContext) -> int:
    """The trainings demo in one town (kept between runs); the enrolments written."""
    if unscoped(Programme, why=Unscoped.SYSTEM).filter(is_demo=True).exists():
        return 0
    committee = (
        unscoped(Organization, why=Unscoped.SYSTEM)
        .filter(kind=Organization.Kind.COMMITTEE, town__isnull=False, place__kind=Place.Kind.TOWN)
        .order_by("path")
        .first()
    )
    if committee is None:
        return 0
    actor = ctx.options["users"]["root"]
    counts = load_demo_trainings(actor=actor, town=committee.town, now=clock.now(), seed=1)
    return counts.get("enrolments", 0)


def bench_hours_http(ctx: BenchContext) -> list[BenchResult]:
    label = "trainings.hours_http"
    if not ctx.base_url or "users" not in ctx.options:
        return [BenchResult(name=label, samples_s=[0.0], notes="no server")]
    _ensure_trainings(ctx)
    enrolled = unscoped(Enrolment, why=Unscoped.SYSTEM).count()
    attended = unscoped(Attendance, why=Unscoped.SYSTEM).count()
    notes = f"{enrolled} enrolments, {attended} attendances; sequential requests"
    result = page_over_http(ctx, label, reverse("trainings:hours"), "root", notes=notes)
    return [dataclasses.replace(result, target="p95 < 300 ms", target_s=TARGET_S)]


BENCHMARKS: list[Benchmark] = [bench_hours_http, *benchmarks_checkin.BENCHMARKS]
