"""Benchmarks for `grassroots bench` (contract in grassroots/core/bench.py).

- cases.sweep_idle: N open cases whose deadlines are far away (1,000,000 in full
  mode, 1,000 in quick mode) and none due; one sweep (announcements, warnings,
  escalations, late handlers) must finish in < 1 s on PostgreSQL — it is four
  indexed range scans returning nothing. Rows are inserted with COPY on PostgreSQL,
  bulk_create elsewhere, and removed after the timing (title "bench"): a village with a
  million open cases is not a real one, and the benchmarks after this one, or a second
  run on the same database, must not carry them.
- cases.intake_http: filing a case through the queued API (POST
  /api/case-intake/, decision 0007) over HTTP (gunicorn at ctx.base_url), 8
  keep-alive threads, against the same load on the minimal JSON view
  (/bench/ping, else /healthz) measured before and after; target: half its
  throughput. Reported beside it: the immediate filing (POST /api/cases/) and
  the worker registering the queued filings (cases/s).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import threading
import time
from urllib.parse import urlsplit

from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from grassroots.accounts.models import User
from grassroots.cases import services, sweeps
from grassroots.cases.models import (
    Case,
    CaseIntake,
    Category,
    Channel,
    IntakeStatus,
    Priority,
    Status,
    new_tracking_code,
)
from grassroots.core import clock
from grassroots.core.bench import BenchContext, BenchResult
from grassroots.grid.models import Place

BENCH_TITLE = "bench"
# Every tenth bench case waits for its handler (a far handler_due_at), so the
# partial index of the third sweep is not trivially empty.
WAITING_EVERY = 10


def _group() -> Place | None:
    return Place.objects.filter(kind=Place.Kind.GROUP).order_by("path").first()


def _template(group: Place, far: dt.datetime) -> Case:
    town = Place.objects.get(path=group.town_path())
    village = Place.objects.get(path=group.path[: len(town.path) + Place.steplen])
    return Case(
        town=town,
        place=group,
        place_path=group.path,
        owner_place=village,
        channel=Channel.API,
        category=Category.objects.get(code="other"),
        title=BENCH_TITLE,
        text="基准测试诉求",
        priority=Priority.NORMAL,
        status="in_progress",
        submitted_at=clock.now(),
        announced_at=clock.now(),
        response_due_at=far,
        resolve_due_at=far,
        warn_at=far,
        escalate_at=far,
        updated_at=clock.now(),
        is_demo=True,
    )


def _insert(n: int, template: Case) -> None:
    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    if connection.vendor == "postgresql":
        cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        base = [f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields]
        names = [f.attname for f in fields]
        code_at, status_at, due_at = (
            names.index("code"),
            names.index("status"),
            names.index("handler_due_at"),
        )
        far = template.warn_at
        waiting = list(base)
        waiting[status_at] = Status.ASSIGNED.value
        waiting[due_at] = Case._meta.get_field("handler_due_at").get_db_prep_save(far, connection)
        with transaction.atomic(), connection.cursor() as cursor:
            # COPY: a million rows in seconds rather than minutes.
            with cursor.cursor.copy(f"COPY {Case._meta.db_table} ({cols}) FROM STDIN") as copy:
                for i in range(n):
                    row = list(waiting if i % WAITING_EVERY == 0 else base)
                    row[code_at] = new_tracking_code()
                    copy.write_row(row)
            cursor.execute(f"ANALYZE {Case._meta.db_table}")
        return
    batch: list[Case] = []
    with transaction.atomic():
        for i in range(n):
            obj = Case(**{f.attname: getattr(template, f.attname) for f in fields})
            obj.code = new_tracking_code()
            if i % WAITING_EVERY == 0:
                obj.status, obj.handler_due_at = Status.ASSIGNED, template.warn_at
            batch.append(obj)
            if len(batch) == 5000:
                Case.objects.bulk_create(batch)
                batch = []
        Case.objects.bulk_create(batch)


def bench_sweep_idle(ctx: BenchContext) -> list[BenchResult]:
    n = 1_000 if ctx.quick else int(ctx.options.get("cases", 1_000_000))
    group = _group()
    if group is None:
        return [BenchResult(name="cases.sweep_idle", samples_s=[0.0], notes="no grid data")]
    far = clock.now() + dt.timedelta(days=3650)
    _remove()  # what an interrupted earlier run may have left
    _insert(n, _template(group, far))
    held = Case.objects.filter(title=BENCH_TITLE).count()
    samples = []
    try:
        for _ in range(5 if ctx.quick else 20):
            start = time.perf_counter()
            result = sweeps.sweep(clock.now())
            samples.append(time.perf_counter() - start)
            assert not any(result.values()), result
    finally:
        _remove()
    return [
        BenchResult(
            name="cases.sweep_idle",
            samples_s=samples,
            queries=4,
            target="p95 < 1 s with 1,000,000 open cases (PostgreSQL)",
            target_s=1.0,
            notes=f"{held} open cases, none due, removed afterwards; {connection.vendor}",
        )
    ]


def _remove() -> None:
    """Delete the bench's cases in one statement (the sweep made nothing that refers to
    them), then on PostgreSQL vacuum the table so its statistics and visibility map are
    as before the benchmark (not possible inside a transaction, as in the tests)."""
    table = connection.ops.quote_name(Case._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE title = %s", [BENCH_TITLE])  # noqa: S608 - quoted model identifier; the title is a parameter
        removed = cursor.rowcount
    if removed and connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {table}")


def _load(base_url: str, path: str, body: dict | None, token: str, seconds: float) -> int:
    """Requests completed by 8 keep-alive threads in `seconds`."""
    parts = urlsplit(base_url)
    done = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    payload = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        count = 0
        while time.perf_counter() < stop:
            conn.request("POST" if payload else "GET", path, body=payload, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status < 300:
                count += 1
        conn.close()
        with lock:
            done[0] += count

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0]


def bench_intake_http(ctx: BenchContext) -> list[BenchResult]:
    group = _group()
    if not ctx.base_url or group is None:
        return [
            BenchResult(name="cases.intake_http", samples_s=[0.0], notes="no server or no grid")
        ]
    user = User.objects.filter(username="bench.cases").first()
    if user is None:
        user = User.objects.create_superuser("bench.cases", password=None)
    token, _ = Token.objects.get_or_create(user=user)
    seconds = 2.0 if ctx.quick else 10.0
    ping_path = "/bench/ping"
    probe = http.client.HTTPConnection(urlsplit(ctx.base_url).hostname, urlsplit(ctx.base_url).port)
    probe.request("GET", ping_path)
    if probe.getresponse().status != 200:
        ping_path = "/healthz"
    probe.close()
    body = {"place": group.pk, "text": "基准测试：路灯不亮", "category": "roads-lights"}
    # The ceiling is measured before and after the filings (the mean of both),
    # so a drift in the machine's speed does not favour either side.
    ping = _load(ctx.base_url, ping_path, None, token.key, seconds)
    queued = _load(ctx.base_url, "/api/case-intake/", body, token.key, seconds)
    immediate = _load(ctx.base_url, "/api/cases/", body, token.key, seconds)
    ping += _load(ctx.base_url, ping_path, None, token.key, seconds)
    ceiling = ping / (2 * seconds)
    # The worker's side: register what the queued filings left (the poller's function).
    waiting = CaseIntake.objects.filter(status=IntakeStatus.PENDING).count()
    start = time.perf_counter()
    registered = services.intake_drain()
    drain_s = time.perf_counter() - start
    # The immediate filings are announced by the worker too; do it here, so
    # the database is left as a running worker would leave it.
    while sweeps.sweep_announcements():
        pass
    return [
        BenchResult(
            name="cases.intake_http",
            samples_s=[seconds],
            items_per_sample=queued,
            compare="throughput",
            target=f"≥ half of {ping_path} ({ceiling:.0f}/s)",
            target_throughput=ceiling / 2,
            notes=f"POST /api/case-intake/ (queued), 8 threads: {queued} filings; "
            f"ceiling {ping} requests in 2 × {seconds:.0f} s",
        ),
        BenchResult(
            name="cases.file_http (immediate, for comparison)",
            samples_s=[seconds],
            items_per_sample=immediate,
            compare="throughput",
            notes=f"POST /api/cases/ (case, event and audit row in the request): {immediate} cases",
        ),
        BenchResult(
            name="cases.intake_worker (queued → cases)",
            samples_s=[drain_s or 1e-9],
            items_per_sample=registered,
            compare="throughput",
            notes=f"intake_drain in one process: {registered} of {waiting} waiting filings "
            "registered with timeline, audit and announcement",
        ),
    ]


BENCHMARKS = [bench_sweep_idle, bench_intake_http]
