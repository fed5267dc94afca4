"""The one clock every service and job reads, so tests can set the time.

`now()` is timezone-aware. Tests use `frozen(dt)` or `advance(...)`; nothing in
the domain calls `timezone.now()` or `date.today()` directly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_fixed: dt.datetime | None = None


def now() -> dt.datetime:
    return _fixed if _fixed is not None else timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


def set_now(value: dt.datetime | None) -> None:
    """Pin the clock (aware datetime) or release it with None."""
    global _fixed
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    _fixed = value


def advance(delta: dt.timedelta) -> dt.datetime:
    """Move a pinned clock forward; pins it at the real time first if needed."""
    set_now(now() + delta)
    return now()


@contextlib.contextmanager
def frozen(value: dt.datetime) -> Iterator[None]:
    previous = _fixed
    set_now(value)
    try:
        yield
    finally:
        set_now(previous)
