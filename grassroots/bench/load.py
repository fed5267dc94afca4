"""The load test of issue #9: simulated users mixing representatives, handlers and the public.

Full run (`grassroots bench --scale county --only bench.mixed_load` on PostgreSQL): 100
users for 5 minutes against the runner's gunicorn on 127.0.0.1 — 40 representatives
(list my households, log a visit, file a case through the queued intake), 20 handlers
(inbox, case detail, reply), 40 residents on the public pages (report form, tracking
page, public board). Each user waits 1–3 s between requests (a person reading the
page), so the offered load is about 45 requests/s. Targets: no error, p95 < 300 ms for
every kind. `--quick` (CI): 10 users for 10 s with short think times; it must run
without an error, its times are not judged.

Users log in with API tokens (no sessions, no CSRF); the public pages need none. The
bench users and the handlers' cases are made once with the services and a bulk insert,
and topped up on each run (each reply uses up one case).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grassroots.accounts import services as accounts
from grassroots.accounts.models import User
from grassroots.cases.models import Case, Category, Channel, Priority, Status, new_tracking_code
from grassroots.core import clock
from grassroots.core.bench import BenchContext, BenchResult
from grassroots.core.httpload import Call, MixedResult, run_users
from grassroots.core.roles import Role
from grassroots.grid import services as grid
from grassroots.grid.models import Household, Place, Representative

LOAD_TITLE = "load"
FULL = {"users": 100, "seconds": 300.0, "think_s": (1.0, 3.0), "pool": 150}
QUICK = {"users": 10, "seconds": 10.0, "think_s": (0.2, 0.6), "pool": 10}
SHARE = {"rep": 0.4, "handler": 0.2, "public": 0.4}
P95_TARGET_S = 0.3


@dataclass
class Actors:
    reps: list[tuple[str, list[int]]]  # (token, household ids) per representative
    handlers: list[tuple[str, list[int]]]  # (token, ids of cases in progress) per handler
    codes: list[str]  # tracking codes the public looks up
    village: int  # the public board's village


def _json(token: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    if payload is None:
        return {"headers": headers}
    headers["Content-Type"] = "application/json"
    return {"headers": headers, "body": json.dumps(payload).encode()}


def representative(token: str, households: list[int]) -> Callable[[random.Random], Call]:
    def next_call(rng: random.Random) -> Call:
        roll = rng.random()
        if roll < 0.5:
            return Call("rep: my households", "GET", "/api/households/", **_json(token))
        household = rng.choice(households)
        if roll < 0.8:
            body = {"household": household, "notes": "负载测试走访"}
            return Call(
                "rep: log a visit", "POST", "/api/visits/", expect=(201,), **_json(token, body)
            )
        body = {"household": household, "text": "负载测试：路灯不亮", "category": "roads-lights"}
        return Call(
            "rep: file a case", "POST", "/api/case-intake/", expect=(202,), **_json(token, body)
        )

    return next_call


def handler(token: str, cases: list[int]) -> Callable[[random.Random], Call]:
    open_cases = list(cases)  # this user's own: replies use them up, one each

    def next_call(rng: random.Random) -> Call:
        roll = rng.random()
        if roll < 0.4:
            return Call("handler: inbox", "GET", "/api/cases/", **_json(token))
        if roll < 0.8 or not open_cases:
            path = f"/api/cases/{rng.choice(cases)}/"
            return Call("handler: case detail", "GET", path, **_json(token))
        path = f"/api/cases/{open_cases.pop()}/reply/"
        body = {"reply": "已处理，感谢反映。"}
        return Call("handler: reply", "POST", path, **_json(token, body))

    return next_call


def public(codes: list[str], village: int) -> Callable[[random.Random], Call]:
    def next_call(rng: random.Random) -> Call:
        roll = rng.random()
        if roll < 0.3:
            return Call("public: report form", "GET", "/cases/report/")
        if roll < 0.7:
            return Call("public: tracking page", "GET", f"/cases/track/{rng.choice(codes)}/")
        return Call("public: board", "GET", f"/cases/public/{village}/")

    return next_call


def _town(ctx: BenchContext) -> Place:
    return ctx.options["town"]


def _representatives(ctx: BenchContext, n: int) -> list[tuple[str, list[int]]]:
    """n representatives with an account and 11 households each, made once."""
    root, town = ctx.options["users"]["root"], _town(ctx)
    villages = list(Place.objects.get_children(town).order_by("path"))
    out = []
    for i in range(n):
        name = f"bench_load_rep_{town.path}_{i}"
        user = User.objects.filter(username=name).first()
        if user is None:
            user = accounts.user_create(actor=None, username=name, password=None)
            village = villages[i % len(villages)]
            groups = list(Place.objects.get_children(village).order_by("path"))
            group = groups[(i // len(villages)) % len(groups)]
            rep = grid.representative_create(
                actor=root, village=village, name=f"负载代表{i}", user=user, is_demo=True
            )
            # Households of no other load representative: re-linking one would leave an earlier
            # representative with none, and their simulated user with nothing to visit.
            free = Household.objects.filter(place=group).exclude(
                representative__user__username__startswith="bench_load_rep_"
            )
            for household in free.order_by("code")[:11]:
                grid.link_representative(actor=root, household=household, representative=rep)
        rep = Representative.objects.get(user=user)
        ids = list(Household.objects.filter(representative=rep).values_list("pk", flat=True))
        out.append((accounts.token_issue(actor=root, user=user).key, ids))
    return out


def _handler_cases(town: Place, user: User, pool: int) -> list[int]:
    """Top the handler's cases in progress up to `pool` (bulk: the workflow is not measured)."""
    mine = Case.objects.filter(handler=user, title=LOAD_TITLE, status=Status.IN_PROGRESS)
    missing = pool - mine.count()
    if missing > 0:
        group = Place.objects.filter(path__startswith=town.path, kind=Place.Kind.GROUP).order_by(
            "path"
        )[0]
        village = Place.objects.get(path=group.path[: len(town.path) + Place.steplen])
        now, far = clock.now(), clock.now() + dt.timedelta(days=3650)
        category = Category.objects.get(code="roads-lights")
        Case.objects.bulk_create(
            Case(
                town=town,
                place=group,
                place_path=group.path,
                owner_place=village,
                channel=Channel.API,
                category=category,
                title=LOAD_TITLE,
                text="负载测试诉求",
                priority=Priority.NORMAL,
                status=Status.IN_PROGRESS,
                handler=user,
                code=new_tracking_code(),
                submitted_at=now,
                announced_at=now,
                response_due_at=far,
                resolve_due_at=far,
                warn_at=far,
                escalate_at=far,
                updated_at=now,
                is_demo=True,
            )
            for _ in range(missing)
        )
    return list(mine.values_list("pk", flat=True))


def _handlers(ctx: BenchContext, n: int, pool: int) -> list[tuple[str, list[int]]]:
    root, town = ctx.options["users"]["root"], _town(ctx)
    out = []
    for i in range(n):
        name = f"bench_load_handler_{town.path}_{i}"
        user = User.objects.filter(username=name).first()
        if user is None:
            user = accounts.user_create(actor=None, username=name, password=None)
            accounts.role_grant(actor=root, user=user, role=Role.HANDLER, place=town)
        out.append(
            (accounts.token_issue(actor=root, user=user).key, _handler_cases(town, user, pool))
        )
    return out


def prepare(ctx: BenchContext, users: int, pool: int) -> Actors:
    counts = {kind: max(1, round(users * share)) for kind, share in SHARE.items()}
    town = _town(ctx)
    handlers = _handlers(ctx, counts["handler"], pool)
    codes = list(
        Case.objects.filter(town=town, title=LOAD_TITLE).values_list("code", flat=True)[:500]
    )
    village = Place.objects.get_children(town).order_by("path")[0].pk
    return Actors(_representatives(ctx, counts["rep"]), handlers, codes, village)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def results(load: MixedResult) -> list[BenchResult]:
    rows = []
    for kind in sorted(load.latencies_s):
        samples = load.latencies_s[kind]
        rows.append(
            BenchResult(
                name=f"load {kind}",
                samples_s=samples,
                target="p95 < 300 ms, no error",
                target_s=P95_TARGET_S,
                notes=f"{load.counts.get(kind, 0)} requests, {load.errors.get(kind, 0)} errors, "
                f"p50 {_percentile(samples, 0.5) * 1000:.0f} ms, "
                f"p99 {_percentile(samples, 0.99) * 1000:.0f} ms",
            )
        )
    every = [s for samples in load.latencies_s.values() for s in samples]
    errors = sum(load.errors.values())
    rows.append(
        BenchResult(
            name=f"load: {load.users} users, {load.wall_s:.0f} s, all requests",
            samples_s=every,
            target="p95 < 300 ms, no error",
            target_s=P95_TARGET_S,
            notes=f"{load.requests} requests, {errors} errors, "
            f"{load.requests / load.wall_s:.1f} requests/s, "
            f"p50 {_percentile(every, 0.5) * 1000:.0f} ms, p99 {_percentile(every, 0.99) * 1000:.0f} ms",
        )
    )
    return rows


def mixed_load(ctx: BenchContext) -> list[BenchResult]:
    """100 users × 5 minutes (10 × 10 s in --quick); fails on any error."""
    assert ctx.base_url, "the runner starts gunicorn"
    plan = QUICK if ctx.quick else FULL
    plan = {**plan, **ctx.options.get("load", {})}
    actors = prepare(ctx, int(plan["users"]), int(plan["pool"]))
    counts = {kind: max(1, round(int(plan["users"]) * share)) for kind, share in SHARE.items()}
    users: list[Callable[[random.Random], Call]] = []
    users += [representative(*actors.reps[i % len(actors.reps)]) for i in range(counts["rep"])]
    users += [handler(*actors.handlers[i % len(actors.handlers)]) for i in range(counts["handler"])]
    users += [public(actors.codes, actors.village) for _ in range(counts["public"])]
    load = run_users(
        ctx.base_url,
        users,
        seconds=float(plan["seconds"]),
        think_s=tuple(plan["think_s"]),  # type: ignore[arg-type]
        seed=int(ctx.options.get("seed", 1)),
        parallel=int(plan.get("parallel", 0)),
    )
    ctx.options["load_result"] = load
    rows = results(load)
    if sum(load.errors.values()):
        figures = "; ".join(f"{r.name}: p95 {r.p95_s * 1000:.0f} ms, {r.notes}" for r in rows)
        raise RuntimeError(
            f"load: {sum(load.errors.values())} errors of {load.requests} requests "
            f"({load.errors}); first: {load.error_samples[:5]}; figures: {figures}"
        )
    return rows
