"""One run of each periodic task per scheduled minute, however many workers run (decision 0025).

Every `grassroots worker` runs Huey's scheduler, and every scheduler enqueues each due
periodic task: with two nodes, each task would run twice. The tasks are idempotent
(the sweeps claim their rows), but twice is wasted work, and the daily backup would
write two archives. So before a periodic task runs, its worker claims the pair
(task, minute) in the shared cache with an atomic `add` (Redis SET NX, or an INSERT
into the database cache); the worker that loses skips its copy.

The minute is the one the task runs in. A copy that waits in the queue past the next
minute counts for that minute instead, so the task still runs about once a minute; at
worst a run is skipped or doubled at a minute's edge, which idempotent tasks absorb.
Queued (non-periodic) tasks and Huey's immediate mode (tests) are left alone.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import cache
from huey.api import PeriodicTask
from huey.exceptions import CancelExecution

logger = logging.getLogger(__name__)

CLAIM_S = 3600  # the claim outlives any minute it could be asked about


def claim_key(name: str, minute: int) -> str:
    return f"periodic:{name}:{minute}"


def claim(task: Any, now: float | None = None) -> bool:
    """True when this worker is the first to run `task` in the current minute."""
    minute = int((time.time() if now is None else now) // 60)
    return bool(cache.add(claim_key(task.name, minute), 1, timeout=CLAIM_S))


def before_execute(task: Any, now: float | None = None) -> None:
    """Huey's pre-execute hook: cancel a periodic task another worker runs this minute."""
    if not isinstance(task, PeriodicTask):
        return
    try:
        first = claim(task, now)
    except Exception:  # noqa: BLE001 - no shared cache now: better twice than never
        logger.warning("cannot claim periodic task %s; it runs unclaimed", task.name)
        return
    if not first:
        logger.debug("periodic task %s already runs this minute on another worker", task.name)
        raise CancelExecution(retry=False)


HOOK = "grassroots.periodic.once"
# What Huey logs (as a warning) for each task a pre-execute hook cancels.
_CANCELLED = "Task %s cancelled by %s (pre-execute)."


class QuietSkips(logging.Filter):
    """Drops Huey's warning for each copy our hook skips: with two workers, that is one
    warning a minute for every periodic task, for a skip that is the design. Other hooks'
    cancellations, and every other record, pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not (record.msg == _CANCELLED and HOOK in args)


def quiet_skips() -> None:
    """Put QuietSkips on Huey's logger (once)."""
    huey_logger = logging.getLogger("huey")
    if not any(isinstance(f, QuietSkips) for f in huey_logger.filters):
        huey_logger.addFilter(QuietSkips())


def install() -> None:
    from huey.contrib.djhuey import HUEY

    if not HUEY.immediate:
        HUEY.pre_execute(name=HOOK)(before_execute)
        quiet_skips()
