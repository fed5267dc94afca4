"""Benchmarks for `grassroots bench` (contract in grassroots/core/bench.py).

- sites.board_http: the site board `/sites/` over HTTP (gunicorn at ctx.base_url), as
  the bench superuser who reaches the whole county: stage tiles, the overdue count and the
  first page of projects with their six steps; target p95 < 300 ms. Its query count does
  not depend on the number of projects (steps prefetched, overdue annotated).
- sites.export_http: the board's `.xlsx` export of every project of the county over HTTP
  (a workbook of one row per project, twelve stage dates each); target p95 < 5 s.

Both need site projects: when the bench data has none under the synthetic root, one is
synthesised per branch and general branch (bulk rows: the project, its six stages with
planned and actual dates, an eight-line acceptance checklist), with a spread of stages,
a few demonstration sites and some overdue; kept between runs (marked demo data).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.core import clock
from grassroots.core.bench import BenchContext, Benchmark, BenchResult, page_over_http
from grassroots.core.httpload import get_many
from grassroots.core.rows import BulkRows
from grassroots.grid.models import Place
from grassroots.party.models import Organization
from grassroots.sites.models import STAGES, CheckItem, Project, StageStep
from grassroots.sites.services import SITE_ORG_KINDS, default_deadline

BOARD_TARGET_S = 0.300
EXPORT_TARGET_S = 5.0
CHECKLIST = [
    "场所面积达标",
    "党旗党徽规范上墙",
    "功能分区合理",
    "制度职责公开上墙",
    "学习资料和电教设备配齐",
    "便民服务窗口落实",
    "消防安全验收合格",
    "标识标牌统一规范",
]
PROJECT_COLUMNS = [
    "id",
    "branch_id",
    "org_path",
    "town_id",
    "name",
    "stage",
    "deadline",
    "is_demonstration",
    "linked_projects",
    "created_at",
    "updated_at",
]
STEP_COLUMNS = ["project_id", "stage", "planned_on", "done_on"]
CHECK_COLUMNS = ["project_id", "position", "text", "done"]


def _reached(rng: random.Random) -> int:
    """How many stages a synthetic project has reached (0..6), most of them in construction."""
    return rng.choices(range(7), weights=[2, 3, 5, 20, 40, 20, 10])[0]


def _steps(
    pk: int, reached: int, rng: random.Random, today: dt.date, deadline: dt.date
) -> Iterator[tuple[Any, ...]]:
    """Six steps: reached ones done in the months before today, the rest planned up to the
    deadline (about one in eight already past its planned date: overdue on the board)."""
    start = today - dt.timedelta(days=30 * reached + rng.randint(0, 20))
    ahead = len(STAGES) - reached
    for n, stage in enumerate(STAGES):
        if n < reached:
            done = start + dt.timedelta(days=30 * n + rng.randint(0, 10))
            yield (pk, stage, done - dt.timedelta(days=rng.randint(0, 7)), min(done, today))
            continue
        share = (n - reached + 1) / ahead
        planned = today + dt.timedelta(days=int((deadline - today).days * share))
        if n == reached and rng.random() < 0.12:
            planned = today - dt.timedelta(days=rng.randint(3, 30))
        yield (pk, stage, planned, None)


@transaction.atomic
def synthesise_projects(branches: Sequence[Organization], seed: int = 1) -> int:
    """One project per given branch (repeats make several), with its steps and checklist,
    written in bulk; returns how many projects."""
    if not branches:
        return 0
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today, now = clock.today(), clock.now()
    deadline = default_deadline(today)
    projects = BulkRows(Project, PROJECT_COLUMNS, {"is_demo": True})
    ids = projects.reserve_ids(len(branches))
    reached = [_reached(rng) for _ in branches]
    projects.write(
        (
            pk,
            b.pk,
            b.path,
            b.town_id,
            f"{b.name}阵地",
            STAGES[r - 1] if r else "",
            deadline if n % 9 else today - dt.timedelta(days=10),  # some past their deadline
            n % 40 == 0,
            "示范片区建设" if n % 40 == 0 else "",
            now,
            now,
        )
        for n, (pk, b, r) in enumerate(zip(ids, branches, reached, strict=True))
    )
    rows = [
        step
        for pk, r in zip(ids, reached, strict=True)
        for step in _steps(pk, r, rng, today, deadline)
    ]
    BulkRows(StageStep, STEP_COLUMNS).write(iter(rows))
    BulkRows(CheckItem, CHECK_COLUMNS).write(
        (pk, n, text, r >= 5 or (r == 4 and n <= 4))
        for pk, r in zip(ids, reached, strict=True)
        for n, text in enumerate(CHECKLIST, 1)
    )
    return len(ids)


def prepare(ctx: BenchContext) -> int:
    """Projects for every branch under the synthetic root without one; how many there are."""
    root = ctx.options.get("root_path", "")
    branches = Organization.objects.filter(kind__in=SITE_ORG_KINDS).order_by("path")
    have = Project.objects.all()
    if root:
        town_ids = list(
            Place.objects.filter(path__startswith=root, kind=Place.Kind.TOWN).values_list(
                "pk", flat=True
            )
        )
        branches = branches.filter(town_id__in=town_ids)
        have = have.filter(town_id__in=town_ids)
    if not have.exists():
        synthesise_projects(list(branches), seed=ctx.options.get("seed", 1))
    return have.count()


def bench_board_http(ctx: BenchContext) -> list[BenchResult]:
    if not ctx.base_url or "users" not in ctx.options:
        return [BenchResult(name="sites.board_http", samples_s=[0.0], notes="no server")]
    n = prepare(ctx)
    result = page_over_http(
        ctx,
        "sites.board_http",
        reverse("sites:board"),
        "root",
        notes=f"{n} projects ({6 * n} stages); first page of 30; {connection.vendor}",
    )
    result.target, result.target_s = "p95 < 300 ms", BOARD_TARGET_S
    return [result]


def bench_export_http(ctx: BenchContext) -> list[BenchResult]:
    if not ctx.base_url or "users" not in ctx.options:
        return [BenchResult(name="sites.export_http", samples_s=[0.0], notes="no server")]
    n = prepare(ctx)
    url = reverse("sites:export")
    client = Client()
    client.force_login(ctx.options["users"]["root"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    cookie = ctx.options["cookies"]["root"]
    load = get_many(ctx.base_url, url, requests=3 if ctx.quick else 10, cookie=cookie)
    if load.errors or set(load.statuses) != {200}:
        raise RuntimeError(f"{url}: {load.errors} errors, statuses {load.statuses}")
    return [
        BenchResult(
            name="sites.export_http",
            samples_s=load.latencies_s,
            items_per_sample=n,
            queries=len(captured.captured_queries),
            target="p95 < 5 s for every project of the county",
            target_scale="county",
            target_s=EXPORT_TARGET_S,
            notes=f"{n} projects, one workbook row each; sequential, after one in-process; {connection.vendor}",
        )
    ]


BENCHMARKS: list[Benchmark] = [bench_board_http, bench_export_http]
