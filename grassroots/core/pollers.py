"""Short-interval jobs that run beside the Huey consumer in `grassroots worker`.

Huey's periodic tasks run at most once a minute. Some work should follow a
commit within seconds without costing the request anything: the request only
writes a row that marks the work as pending (a transactional outbox), and a
poller here picks it up. A poller must be idempotent and claim what it does
(several workers may run at once); a pass that finds nothing should be a
single indexed read of an empty range.

When the database is unavailable every poller waits longer and longer
(exponential, capped at `BACKOFF_CAP_S`) instead of failing once a second, and
the worker says so in one log line when the database goes and one when it
comes back, not a traceback per pass. It needs no restart: the next pass after
the database is back simply works. Each pass also leaves a heartbeat file that
`/healthz` reads (`heartbeat()`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection

from grassroots.core import clock
from grassroots.core.outage import DATABASE_ERRORS, short_reason

logger = logging.getLogger(__name__)

BACKOFF_CAP_S = 10.0
HEARTBEAT_EVERY_S = 5.0


@dataclass(frozen=True)
class Poller:
    name: str
    run: Callable[[], object]
    every_s: float


POLLERS: dict[str, Poller] = {}


def register(name: str, run: Callable[[], object], *, every_s: float) -> None:
    POLLERS[name] = Poller(name, run, every_s)


def heartbeat_path() -> Path:
    return Path(settings.VAR_DIR) / "worker-heartbeat.json"


class DatabaseState:
    """Whether the worker can reach its database, shared by the poller threads.

    Only a change of state is logged, once for all threads.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down_since: float | None = None
        self.reason = ""
        self._beat_at = 0.0

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            changed = self.down_since is None
            if changed:
                self.down_since = time.monotonic()
                self.reason = short_reason(exc)
                logger.warning(
                    "database unavailable (%s); the worker retries with backoff up to %g s",
                    self.reason,
                    BACKOFF_CAP_S,
                )
        self.beat(force=changed)  # /healthz learns of a change at once

    def succeeded(self) -> None:
        with self._lock:
            down_since = self.down_since
            changed = down_since is not None
            if down_since is not None:
                logger.warning(
                    "database available again after %.0f s; the worker resumes",
                    time.monotonic() - down_since,
                )
                self.down_since, self.reason = None, ""
        self.beat(force=changed)

    def beat(self, *, force: bool = False) -> None:
        """Write the heartbeat file at most every HEARTBEAT_EVERY_S seconds."""
        with self._lock:
            if not force and time.monotonic() - self._beat_at < HEARTBEAT_EVERY_S:
                return
            self._beat_at = time.monotonic()
            state = {
                "at": clock.now().isoformat(),
                "database": "ok" if self.down_since is None else f"unavailable: {self.reason}",
            }
        try:
            path = heartbeat_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps(state))
            temporary.replace(path)
        except OSError:
            logger.warning("cannot write the worker heartbeat to %s", heartbeat_path())


STATE = DatabaseState()


def heartbeat() -> dict[str, Any] | None:
    """The worker's last heartbeat (`{"at": ..., "database": ...}`), or None if none is known."""
    try:
        return dict(json.loads(heartbeat_path().read_text()))
    except (OSError, ValueError):
        return None


def next_delay(poller: Poller, failures: int) -> float:
    """The wait after `failures` database failures in a row: doubling, capped."""
    if failures == 0:
        return poller.every_s
    return float(min(BACKOFF_CAP_S, poller.every_s * 2**failures))


def run_once(poller: Poller, failures: int, state: DatabaseState = STATE) -> int:
    """One pass of `poller`; returns how many database failures in a row follow it."""
    close_old_connections()
    try:
        poller.run()
    except DATABASE_ERRORS as exc:
        state.failed(exc)
        # A broken connection is not reused: the next pass opens a new one.
        with contextlib.suppress(*DATABASE_ERRORS):
            connection.close()
        return failures + 1
    except Exception:
        # Any other failure is the poller's own: reported in full, retried on the next tick.
        logger.exception("poller %s failed", poller.name)
        state.beat()
        return 0
    state.succeeded()
    return 0


def run_forever(poller: Poller, stop: threading.Event) -> None:
    failures = 0
    while not stop.is_set():
        failures = run_once(poller, failures)
        stop.wait(next_delay(poller, failures))
    connection.close()


def start_all(
    stop: threading.Event | None = None,
) -> tuple[threading.Event, list[threading.Thread]]:
    """Start one daemon thread per registered poller; set the returned event to stop them."""
    stop = stop or threading.Event()
    threads = []
    for poller in POLLERS.values():
        thread = threading.Thread(
            target=run_forever, args=(poller, stop), name=f"poller:{poller.name}", daemon=True
        )
        thread.start()
        threads.append(thread)
    return stop, threads
