"""Several nodes on one PostgreSQL and one Redis (issue #15, decision 0025).

`bench.cluster.Cluster` starts N gunicorn nodes and N `grassroots worker` processes
against one database and one Redis, optionally through a PgBouncer in transaction mode
(`bench.cluster.PgBouncer`). The checks here drive it over HTTP as a browser or an API
client would:

- `spread_load`: the mixed load of `bench.load` with the users spread over the nodes;
- `rate_limit_across`: the place picker's limit (300 a minute per address) counted
  over all nodes: the requests alternate between nodes and the 301st is refused;
- `session_across`: a password login on one node, the session used on another;
- `token_revocation_across`: a token remembered by a node's process memo stops
  working there at once when it is deleted elsewhere (core.memo over Redis);
- `drained`: what the requests left for the workers (queued filings, stale figures:
  a Huey task enqueued by a node) is done by the workers.

`two_nodes` (in `BENCHMARKS` of bench) runs them on the bench database; the test
`bench/tests/test_two_nodes.py` on the persona town. Both need PostgreSQL and Redis.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import connection

from grassroots.accounts import services as accounts
from grassroots.accounts.authentication import TOKENS
from grassroots.accounts.models import User
from grassroots.analytics.models import StaleSubtree
from grassroots.bench import load
from grassroots.bench.cluster import Cluster
from grassroots.bench.runner import BENCH_PASSWORD
from grassroots.cases.models import CaseIntake, IntakeStatus
from grassroots.core import memo
from grassroots.core.bench import BenchContext, BenchResult
from grassroots.core.httpload import Call, MixedResult, run_users
from grassroots.grid import picker

REDIS_ENV = "GRASSROOTS_BENCH_REDIS_URL"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
QUICK = {"users": 10, "seconds": 10.0, "think_s": (0.2, 0.6), "pool": 10}
FULL = {"users": 100, "seconds": 120.0, "think_s": (1.0, 3.0), "pool": 150}


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def database_url() -> str:
    """The URL of the database this process uses (the test database under pytest)."""
    s = connection.settings_dict
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


# --- HTTP helpers -------------------------------------------------------------------------


def request(
    url: str, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, cookies, response.read()
    finally:
        conn.close()


# --- the checks -----------------------------------------------------------------------------


def merge(results: list[MixedResult]) -> MixedResult:
    latencies: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    errors: dict[str, int] = {}
    for r in results:
        for kind, values in r.latencies_s.items():
            latencies.setdefault(kind, []).extend(values)
        for kind, n in r.counts.items():
            counts[kind] = counts.get(kind, 0) + n
        for kind, n in r.errors.items():
            errors[kind] = errors.get(kind, 0) + n
    return MixedResult(
        latencies,
        counts,
        errors,
        [s for r in results for s in r.error_samples],
        max(r.wall_s for r in results),
        sum(r.users for r in results),
    )


def spread_load(
    urls: list[str], ctx: BenchContext, plan: dict[str, Any], seed: int = 1
) -> MixedResult:
    """The mixed load of bench.load, its users dealt round-robin over the nodes."""
    actors = load.prepare(ctx, int(plan["users"]), int(plan["pool"]))
    ctx.options["nodes_actors"] = actors
    counts = {k: max(1, round(int(plan["users"]) * s)) for k, s in load.SHARE.items()}
    users: list[Callable[[random.Random], Call]] = []
    users += [load.representative(*actors.reps[i % len(actors.reps)]) for i in range(counts["rep"])]
    users += [
        load.handler(*actors.handlers[i % len(actors.handlers)]) for i in range(counts["handler"])
    ]
    users += [load.public(actors.codes, actors.village) for _ in range(counts["public"])]
    per_node = [users[i :: len(urls)] for i in range(len(urls))]
    results: list[MixedResult | None] = [None] * len(urls)

    def run(i: int) -> None:
        results[i] = run_users(
            urls[i],
            per_node[i],
            seconds=float(plan["seconds"]),
            think_s=tuple(plan["think_s"]),  # type: ignore[arg-type]
            seed=seed * 100 + i,
        )

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(urls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return merge([r for r in results if r is not None])


def rate_limit_across(urls: list[str]) -> list[int]:
    """The picker's statuses for limit + len(urls) requests alternating over the nodes.

    Started at least 20 s before the window of the limit ends and repeated if it turned
    over half way anyway (the counters are per window).
    """
    window = picker.RATE_WINDOW
    for _attempt in range(3):
        into = time.time() % window
        if into > window - 20:
            time.sleep(window - into + 0.2)
        started = int(time.time() // window)
        statuses = []
        for n in range(picker.RATE_LIMIT + len(urls)):
            try:
                status, _c, _b = request(urls[n % len(urls)], "GET", "/grid/picker/?name=place")
            except (OSError, http.client.HTTPException):
                status = 0  # no answer: reported as a problem, never allowed
            statuses.append(status)
        if int(time.time() // window) == started:
            return statuses
        time.sleep(window * 1.1)  # turned over half way: this address's next window is fresh
    return statuses


def session_across(urls: list[str], username: str, password: str) -> tuple[int, int]:
    """Log in on the first node with the form; open /me/ with that session on the last."""
    status, cookies, body = request(urls[0], "GET", "/accounts/login/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not match:
        return status, 0
    csrf = cookies.get(settings.CSRF_COOKIE_NAME, "")
    form = urlencode(
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": match.group(1).decode(),
        }
    )
    status, cookies, _b = request(
        urls[0],
        "POST",
        "/accounts/login/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{settings.CSRF_COOKIE_NAME}={csrf}",
            "Referer": f"{urls[0]}/accounts/login/",
        },
        body=form.encode(),
    )
    session = cookies.get(settings.SESSION_COOKIE_NAME, "")
    me, _c, _b = request(
        urls[-1], "GET", "/me/", headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
    )
    return status, me


def token_revocation_across(
    urls: list[str], token: str, revoke: Callable[[], None]
) -> tuple[list[int], list[int]]:
    """/api/me/ with `token` on the last node before and right after `revoke()`."""
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}

    def status() -> int:
        try:
            return request(urls[-1], "GET", "/api/me/", headers=headers)[0]
        except (OSError, http.client.HTTPException):
            return 0

    before = [status() for _ in range(8)]
    revoke()
    after = [status() for _ in range(8)]
    return before, after


def drained(timeout: float = 90.0) -> tuple[int, int]:
    """Wait until the workers have registered every queued filing and recomputed every
    stale subtree (a Huey task a node enqueued); what is left when the time is up."""
    deadline = time.monotonic() + timeout
    while True:
        left = (
            CaseIntake.objects.filter(status=IntakeStatus.PENDING).count(),
            StaleSubtree.objects.count(),
        )
        if left == (0, 0) or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


@dataclass
class Outcome:
    load: MixedResult
    rate: list[int]
    login: tuple[int, int]
    token: tuple[list[int], list[int]]
    left: tuple[int, int]
    seconds: float

    def problems(self, limit: int = picker.RATE_LIMIT) -> list[str]:
        out = []
        if sum(self.load.errors.values()):
            out.append(f"load errors {self.load.errors}: {self.load.error_samples[:5]}")
        if self.rate[:limit] != [200] * limit or set(self.rate[limit:]) != {429}:
            out.append(
                f"rate limit: {self.rate.count(200)} allowed, then {self.rate[limit:]} (want 429)"
            )
        if self.login[0] != 302 or self.login[1] != 200:
            out.append(f"session: login {self.login[0]}, /me/ on another node {self.login[1]}")
        before, after = self.token
        if set(before) != {200} or set(after) != {401}:
            out.append(f"token: {before} before, {after} right after revoking (want 401)")
        if self.left != (0, 0):
            out.append(f"workers left {self.left[0]} filings and {self.left[1]} stale subtrees")
        return out


def exercise(
    cluster: Cluster,
    ctx: BenchContext,
    plan: dict[str, Any],
    *,
    login: tuple[str, str],
    token: str,
    revoke: Callable[[], None],
) -> Outcome:
    started = time.perf_counter()
    result = spread_load(cluster.urls, ctx, plan)
    rate = rate_limit_across(cluster.urls)
    signed_in = session_across(cluster.urls, *login)
    revoked = token_revocation_across(cluster.urls, token, revoke)
    drained()
    # One visit on the first node: its figures are recomputed by a Huey task it enqueued.
    rep_token, households = next((t, h) for t, h in ctx.options["nodes_actors"].reps if h)
    call = load._json(rep_token, {"household": households[0], "notes": "负载测试走访"})
    try:
        status = request(cluster.urls[0], "POST", "/api/visits/", **call)[0]
    except (OSError, http.client.HTTPException):
        status = 0
    left = drained()
    if status != 201:
        result.errors["first node: log a visit"] = 1
        result.error_samples.append(f"POST /api/visits/ on the first node → {status}")
    return Outcome(result, rate, signed_in, revoked, left, time.perf_counter() - started)


def publish_token_change(redis_url: str, prefix: str) -> None:
    """What a node's process does after a token change: bump the memo's version in Redis."""
    memo.Bus(redis_url, prefix).bump(TOKENS)


# --- the benchmark ---------------------------------------------------------------------------


def revocable(root: Any, name: str) -> tuple[Any, str, Callable[[], None]]:
    """An active account with a token, and the call that deactivates it (token deleted)."""
    user = User.objects.filter(username=name).first()
    if user is None:
        user = accounts.user_create(actor=None, username=name, password=None)
    if not user.is_active:
        accounts.user_set_active(actor=root, user=user, active=True)
    token = accounts.token_issue(actor=root, user=user).key

    def revoke() -> None:
        accounts.user_set_active(actor=root, user=user, active=False)

    return user, token, revoke


def two_nodes(ctx: BenchContext) -> list[BenchResult]:
    """Two gunicorn nodes and two workers on one PostgreSQL and one Redis (PostgreSQL only).

    `GRASSROOTS_BENCH_REDIS_URL` (default database 15 of the local Redis) names the Redis;
    `GRASSROOTS_BENCH_POOLER=pgbouncer` puts every process behind a PgBouncer in
    transaction mode. Fails on any error, a rate limit not held across nodes, a session or
    a token change not seen on the other node, or work the workers left undone. Without
    PostgreSQL or Redis it reports nothing.
    """
    redis_url = os.environ.get(REDIS_ENV, DEFAULT_REDIS)
    if connection.vendor != "postgresql" or not redis_answers(redis_url):
        return []
    plan = {**(QUICK if ctx.quick else FULL), **ctx.options.get("nodes_load", {})}
    if os.environ.get("GRASSROOTS_BENCH_NODES_LOAD"):  # "users,seconds", e.g. "40,60"
        users, seconds = os.environ["GRASSROOTS_BENCH_NODES_LOAD"].split(",")
        plan.update(users=int(users), seconds=float(seconds))
    root, admin = ctx.options["users"]["root"], ctx.options["users"]["admin"]
    town = ctx.options["town"]
    _user, token, revoke = revocable(root, f"bench_nodes_revoke_{town.path}")
    cluster = Cluster(
        database_url=database_url(),
        redis_url=redis_url,
        log_dir=Path(ctx.work_dir) / "nodes",
        pooler=os.environ.get("GRASSROOTS_BENCH_POOLER", ""),
    )
    with cluster:

        def revoke_and_publish() -> None:
            revoke()
            publish_token_change(redis_url, cluster.prefix)

        outcome = exercise(
            cluster,
            ctx,
            plan,
            login=(admin.username, BENCH_PASSWORD),
            token=token,
            revoke=revoke_and_publish,
        )
    rows = load.results(outcome.load)
    label = f"{cluster.nodes} nodes × {cluster.gunicorn_workers} gunicorn workers + {cluster.workers} workers"
    if cluster.pooler:
        label += f", {cluster.pooler}"
    rows = [
        BenchResult(
            name=f"{label}: {r.name}",
            samples_s=r.samples_s,
            target=r.target,
            target_s=r.target_s,
            notes=r.notes,
        )
        for r in rows
    ]
    problems = outcome.problems()
    if problems:
        raise RuntimeError("; ".join(problems))
    return rows


def memo_sync(ctx: BenchContext) -> list[BenchResult]:
    """What the memos' shared versions cost a request: one MGET of every memo's version in
    Redis at its first memo read (core.memo.Bus.sync), over all of this process's memos."""
    redis_url = os.environ.get(REDIS_ENV, DEFAULT_REDIS)
    if not redis_answers(redis_url):
        return []
    bus = memo.Bus(redis_url, f"bench-{os.getpid()}")
    n = 200 if ctx.quick else 5000
    samples = []
    for _ in range(n):
        bus.request_started()
        started = time.perf_counter()
        bus.sync()
        samples.append(time.perf_counter() - started)
    return [
        BenchResult(
            name=f"memo versions read once per request ({len(memo.Memo.every)} memos, one MGET)",
            samples_s=samples,
            target="p95 < 1 ms",
            target_s=0.001,
            notes=f"{n} requests; Redis on 127.0.0.1",
        )
    ]
