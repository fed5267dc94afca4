"""Short-interval jobs that run beside the Huey consumer in `grassroots worker`.

Huey's periodic tasks run at most once a minute. Some work should follow a
commit within seconds without costing the request anything: the request only
writes a row that marks the work as pending (a transactional outbox), and a
poller here picks it up. A poller must be idempotent and claim what it does
(several workers may run at once); a pass that finds nothing should be a
single indexed read of an empty range.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Poller:
    name: str
    run: Callable[[], object]
    every_s: float


POLLERS: dict[str, Poller] = {}


def register(name: str, run: Callable[[], object], *, every_s: float) -> None:
    POLLERS[name] = Poller(name, run, every_s)


def run_forever(poller: Poller, stop: threading.Event) -> None:
    while not stop.is_set():
        close_old_connections()
        try:
            poller.run()
        except Exception:
            # A failed pass (database restarting, say) is retried on the next tick.
            logger.exception("poller %s failed", poller.name)
        stop.wait(poller.every_s)
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
