"""The main-venue rush (issue #12, point 9), for `grassroots bench` (contract in core/bench.py).

trainings.checkin_rush: 1,000 members (100 with --quick) check in to one session at the
main venue over HTTP within a few minutes — each one POST /api/training-checkins/ with
the venue's current token and the member's own API token, 8 threads, against the
gunicorn the runner started. The framework ceiling (/bench/ping, the same 8 threads) is
measured before and after in the same run; targets: check-ins per second ≥ 50 % of the
ceiling, p95 < 200 ms, no error, exactly one attendance per member at the end.

The bench members, their accounts and API tokens, the programme and its main venue are
made once (bulk rows) in a branch of the synthetic town and kept; each run holds a new
session, so the attendances start from none.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import secrets
import threading
import time
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.hashers import make_password
from django.db import transaction
from rest_framework.authtoken.models import Token

from grassroots.accounts.models import User
from grassroots.core import clock
from grassroots.core.bench import BenchContext, BenchResult
from grassroots.core.httpload import get_many
from grassroots.grid.models import Place
from grassroots.party.models import Member, Organization
from grassroots.trainings import tokens
from grassroots.trainings.models import (
    Attendance,
    Audience,
    Enrolment,
    Kind,
    Programme,
    Session,
    Venue,
)

PROGRAMME = "基准测试：冬春训主会场签到"
USER_PREFIX = "bench_ck_"
THREADS = 8
CEILING_SHARE = 0.5
P95_S = 0.200


def _branch(town: Place) -> Organization:
    branch = (
        Organization.objects.filter(
            kind=Organization.Kind.BRANCH, place__path__startswith=town.path
        )
        .order_by("path")
        .first()
    )
    if branch is None:
        raise RuntimeError("the synthetic town has no Party branch: run `grassroots synth`")
    return branch


def _programme(town: Place, branch: Organization) -> tuple[Programme, Venue]:
    programme = Programme.objects.filter(name=PROGRAMME, town=town).first()
    if programme is None:
        committee = branch.get_root()
        programme = Programme.objects.create(
            organization=committee,
            org_path=committee.path,
            town=town,
            name=PROGRAMME,
            kind=Kind.MEMBER_TRAINING,
            audience=Audience.MEMBERS,
            starts_on=clock.today(),
            ends_on=clock.today() + dt.timedelta(days=365),
            status=Programme.Status.OPEN,
            created_at=clock.now(),
            is_demo=True,
        )
    venue, _ = Venue.objects.get_or_create(
        programme=programme,
        name="基准主会场",
        defaults={"place": town, "place_path": town.path, "is_main": True},
    )
    return programme, venue


def _members(n: int, programme: Programme, branch: Organization) -> list[str]:
    """n bench members with accounts, API tokens and enrolments (made once); their tokens."""
    have = User.objects.filter(username__startswith=USER_PREFIX).count()
    if have < n:
        password = make_password(None)
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(username=f"{USER_PREFIX}{i:05d}", password=password) for i in range(have, n)
            )
            Token.objects.bulk_create(Token(user=u, key=secrets.token_hex(20)) for u in users)
            members = Member.objects.bulk_create(
                Member(
                    organization=branch,
                    org_path=branch.path,
                    name=f"基准党员{u.username[-5:]}",
                    user=u,
                    is_demo=True,
                )
                for u in users
            )
            Enrolment.objects.bulk_create(
                Enrolment(
                    programme=programme,
                    member=m,
                    user=m.user,
                    name=m.name,
                    branch=branch,
                    org_path=branch.path,
                    village=branch.place,
                    place_path=branch.place.path if branch.place else "",
                    created_at=clock.now(),
                    is_demo=True,
                )
                for m in members
            )
    return list(
        Token.objects.filter(user__username__startswith=USER_PREFIX)
        .order_by("user__username")
        .values_list("key", flat=True)[:n]
    )


def _session(programme: Programme, venue: Venue) -> Session:
    now = clock.now()
    session = Session.objects.create(
        programme=programme,
        topic=f"基准场次 {now:%Y-%m-%d %H:%M:%S}",
        on=clock.today(),
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=2),
        hours=Decimal("2.0"),
        is_demo=True,
    )
    session.venues.set([venue])
    return session


def _rush(base_url: str, session: Session, venue: Venue, keys: list[str]) -> dict[str, Any]:
    """Every member posts their check-in once, over THREADS keep-alive threads."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    queue = iter(keys)
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int | str, int] = {}

    def worker() -> None:
        conn: http.client.HTTPConnection | None = None
        while True:
            with lock:
                key = next(queue, None)
            if key is None:
                break
            body = json.dumps(
                {
                    "session": session.pk,
                    "venue": venue.pk,
                    "token": tokens.issue(session.pk, venue.pk),  # the code on the screen now
                }
            ).encode()
            headers = {
                "Host": f"{host}:{port}",
                "Authorization": f"Token {key}",
                "Content-Type": "application/json",
            }
            started = time.perf_counter()
            status: int | str
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(host, port, timeout=30)
                conn.request("POST", "/api/training-checkins/", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                if conn is not None:
                    conn.close()
                conn = None
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        if conn is not None:
            conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"latencies": latencies, "statuses": statuses, "wall": time.perf_counter() - started}


def _ceiling(base_url: str, requests: int) -> float:
    load = get_many(base_url, "/bench/ping", requests=requests, concurrency=THREADS)
    if load.errors or set(load.statuses) != {200}:
        raise RuntimeError(f"/bench/ping: {load.errors} errors, statuses {load.statuses}")
    return load.requests / load.wall_s


def checkin_rush(ctx: BenchContext) -> list[BenchResult]:
    assert ctx.base_url, "the runner starts gunicorn"
    n = 100 if ctx.quick else int(ctx.options.get("checkins", 1_000))
    town = ctx.options.get("town") or Place.objects.filter(kind=Place.Kind.TOWN).order_by("path")[0]
    branch = _branch(town)
    programme, venue = _programme(town, branch)
    keys = _members(n, programme, branch)
    session = _session(programme, venue)
    get_many(ctx.base_url, "/bench/ping", requests=20, concurrency=2)  # warm every worker
    ping_n = 200 if ctx.quick else 2000
    before = _ceiling(ctx.base_url, ping_n)
    rush = _rush(ctx.base_url, session, venue, keys)
    after = _ceiling(ctx.base_url, ping_n)
    ceiling = (before + after) / 2
    rate = n / rush["wall"]
    recorded = Attendance.objects.filter(session=session).count()
    errors = {k: v for k, v in rush["statuses"].items() if k != 201}
    if errors or recorded != n:
        raise RuntimeError(f"rush: statuses {rush['statuses']}, {recorded} attendances of {n}")
    notes = (
        f"{n} members, {THREADS} threads, {rush['wall']:.1f} s; {rate:.0f} check-ins/s vs "
        f"ceiling {ceiling:.0f} req/s ({rate / ceiling:.0%}); {recorded} attendances, 0 errors"
    )
    return [
        BenchResult(
            name="trainings.checkin_rush latency (main venue, POST per check-in)",
            samples_s=rush["latencies"],
            target=f"p95 < {P95_S * 1000:.0f} ms",
            target_s=P95_S,
            notes=notes,
        ),
        BenchResult(
            name="trainings.checkin_rush throughput (check-ins/s)",
            samples_s=[rush["wall"]],
            items_per_sample=n,
            compare="throughput",
            target=f"≥ {CEILING_SHARE:.0%} of the ceiling ({ceiling * CEILING_SHARE:.0f}/s)",
            target_throughput=ceiling * CEILING_SHARE,
            notes=notes,
        ),
    ]


BENCHMARKS = [checkin_rush]
