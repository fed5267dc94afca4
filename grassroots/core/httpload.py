"""A small HTTP load generator for the benchmarks (core.bench), standard library only.

`get_many` repeats one request; `run_users` runs simulated users, each a loop of
requests of several kinds with think time (the load test of issue #9).

Gunicorn's sync workers close the connection after each response, so each
request opens a new connection; threads overlap them. The client shares the
machine's cores with the server, which the figures must be read with.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    latencies_s: list[float]
    wall_s: float
    errors: int
    statuses: dict[int, int]

    @property
    def requests(self) -> int:
        return len(self.latencies_s)


def get_many(
    base_url: str,
    path: str,
    *,
    requests: int,
    concurrency: int = 1,
    cookie: str = "",
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """Send `requests` requests over `concurrency` threads; latency of each, and total wall time."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    send_headers = {"Host": f"{host}:{port}", **(headers or {})}
    if cookie:
        send_headers["Cookie"] = cookie
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker() -> None:
        nonlocal errors
        conn: http.client.HTTPConnection | None = None
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            started = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(host, port, timeout=30)
                conn.request(method, path, body=body, headers=send_headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
                with lock:
                    errors += 1
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        if conn is not None:
            conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(max(1, concurrency))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return LoadResult(latencies, time.perf_counter() - started, errors, statuses)


# --- mixed load: simulated users, each a loop of chosen requests with think time ----------


@dataclass
class Call:
    """One request a simulated user makes, and the statuses that count as success."""

    kind: str
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    expect: tuple[int, ...] = (200,)


@dataclass
class MixedResult:
    latencies_s: dict[str, list[float]]  # per kind, of every answer (expected or not)
    counts: dict[str, int]  # requests sent per kind
    errors: dict[str, int]  # per kind: an unexpected status or no answer at all
    error_samples: list[str]
    wall_s: float
    users: int

    @property
    def requests(self) -> int:
        return sum(self.counts.values())


User = Callable[[random.Random], Call]


def run_users(
    base_url: str,
    users: Sequence[User],
    *,
    seconds: float,
    think_s: tuple[float, float],
    seed: int = 1,
    parallel: int = 0,
) -> MixedResult:
    """Run each simulated user in its own thread until `seconds` have passed.

    A user picks a call (with its own seeded random generator), sends it, waits a think
    time drawn from `think_s`, and goes on; starts are spread over the first think time so
    that the users do not arrive together. Loopback only: the caller gives the base URL of
    a server it started. `parallel` (0: no limit) caps the requests in flight, for a server
    that cannot take them at once (Django's live server on an in-memory SQLite database).
    """
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    latencies: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    errors: dict[str, int] = {}
    samples: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    gate = threading.BoundedSemaphore(parallel) if parallel else None

    def record(call: Call, elapsed: float | None, status: int | str) -> None:
        with lock:
            counts[call.kind] = counts.get(call.kind, 0) + 1
            if elapsed is not None:
                latencies.setdefault(call.kind, []).append(elapsed)
            if elapsed is None or status not in call.expect:
                errors[call.kind] = errors.get(call.kind, 0) + 1
                if len(samples) < 20:
                    samples.append(f"{call.method} {call.path} → {status}")

    def user_loop(user: User, rng: random.Random) -> None:
        time.sleep(rng.uniform(0, think_s[1]))
        while time.monotonic() < stop:
            try:
                call = user(rng)
            except Exception as exc:  # noqa: BLE001 - a user who cannot go on fails the run
                with lock:
                    errors["client"] = errors.get("client", 0) + 1
                    samples.append(f"a simulated user stopped: {type(exc).__name__}: {exc}")
                return
            headers = {"Host": f"{host}:{port}", **call.headers}
            if gate:
                gate.acquire()
            started = time.perf_counter()
            conn = http.client.HTTPConnection(host, port, timeout=30)
            try:
                conn.request(call.method, call.path, body=call.body, headers=headers)
                response = conn.getresponse()
                response.read()
                record(call, time.perf_counter() - started, response.status)
            except (OSError, http.client.HTTPException) as exc:
                record(call, None, type(exc).__name__)
            finally:
                conn.close()
                if gate:
                    gate.release()
            time.sleep(rng.uniform(*think_s))

    started = time.perf_counter()
    threads = [
        threading.Thread(target=user_loop, args=(user, random.Random(seed * 1000 + i)))
        for i, user in enumerate(users)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return MixedResult(latencies, counts, errors, samples, wall, len(users))
