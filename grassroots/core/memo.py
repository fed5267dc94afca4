"""Process-local caches for hot reads of rows that rarely change (decision 0007).

A `Memo` keeps loaded values for `ttl` seconds in the worker process that
loaded them. Saving or deleting a watched model clears the memo in the process
that made the change at once (Django signals); other processes see the change
when their entry expires, so a memo's `ttl` is the longest any process can act
on a stale value. Queryset `update()` sends no signal and also waits for the
`ttl`. Missing rows (a loader returning None) are never remembered.

Only values that are safe to share between requests go in: model instances
handed out by a memo must not be changed by their users.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, ClassVar, Generic, TypeVar

from django.db.models.signals import post_delete, post_save

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    every: ClassVar[list[Memo[Any, Any]]] = []

    def __init__(self, name: str, *, ttl: float, maxsize: int = 4096) -> None:
        self.name = name
        self.ttl = ttl
        self.maxsize = maxsize
        self._data: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()
        Memo.every.append(self)

    def get(self, key: K, load: Callable[[K], V | None]) -> V | None:
        now = time.monotonic()
        hit = self._data.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = load(key)
        if value is not None:
            with self._lock:
                if len(self._data) >= self.maxsize:
                    # Bounded memory; a full memo simply starts over.
                    self._data.clear()
                self._data[key] = (now + self.ttl, value)
        return value

    def peek(self, key: K) -> V | None:
        """The remembered value if it is still fresh, else None (nothing is loaded)."""
        hit = self._data.get(key)
        return hit[1] if hit is not None and hit[0] > time.monotonic() else None

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def watch(self, *models: type) -> None:
        """Clear this memo whenever one of `models` is saved or deleted in this process."""
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(self._on_change, sender=model, weak=False)

    def _on_change(self, **_kwargs: Any) -> None:
        self.clear()

    def __len__(self) -> int:
        return len(self._data)


def clear_all() -> None:
    """Forget everything (tests call this between tests: ids are reused there)."""
    for memo in Memo.every:
        memo.clear()
