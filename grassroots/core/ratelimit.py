"""Rate limits that hold across processes: one atomic counter per caller and window.

The counters live in the shared cache (`settings.CACHES`: Redis when `REDIS_URL`
is set, else the database), never in a worker's memory, so three gunicorn
workers together let through exactly the limit. A window is a fixed slice of
`core.clock` time (`window` seconds); its counter is created with `cache.add`
(only one process creates it) and counted with `cache.incr` (atomic in both
backends: `core.cache.AtomicDatabaseCache`, Redis INCR).
"""

from __future__ import annotations

import contextlib

from django.core.cache import cache

from grassroots.core import clock


def _key(name: str, ident: str, window: int) -> str:
    index = int(clock.now().timestamp() // window)
    return f"ratelimit:{name}:{ident}:{window}:{index}"


def hit(name: str, ident: str, *, limit: int, window: int) -> bool:
    """Count one use by `ident`; True when it is within the limit of its window."""
    key = _key(name, ident, window)
    # Kept past the window's end: a counter must not vanish while its window runs.
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the window's first use
        cache.add(key, 0, timeout=window + 60)
        count = cache.incr(key)
    if count > limit:
        # Refused: the count stays at the limit, so a `release` frees a real slot.
        cache.decr(key)
        return False
    return True


def release(name: str, ident: str, *, window: int) -> None:
    """Give back one use (the attempt it counted did not go through)."""
    with contextlib.suppress(ValueError):  # the window is over: nothing to give back
        cache.decr(_key(name, ident, window))


def used(name: str, ident: str, *, window: int) -> int:
    """How many uses `ident` has had in the current window (for showing, not deciding)."""
    return int(cache.get(_key(name, ident, window), 0))
