"""Bounded bulk work without Python's cyclic garbage collector.

A roster import allocates a few hundred thousand container objects (cells, rows,
parsed values) that all live until it ends. Each time enough of them survive, the
collector walks them, and a full collection walks the whole process with them:
in the benchmark's process (Django and the bench loaded, nothing frozen) that was
a third of reading and cleaning a 20,000-row roster. The import's own objects hold
no reference cycles that must be freed before it ends, and its size is capped
(`exchange.bounds`), so it runs with the collector paused; reference counting still
frees everything as usual, and the collector resumes on the way out.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block (usable as a decorator).

    The collector is process-wide: a block entered while it is already paused
    leaves it as it found it, so a nested block never switches it on early for the
    outer one. A block running in another thread at the same time may see it resumed
    when the block that paused it ends; that costs only speed, never correctness.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
