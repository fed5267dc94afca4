"""Process-local caches for hot reads of rows that rarely change (decision 0007).

A `Memo` keeps loaded values for `ttl` seconds in the worker process that
loaded them. Saving or deleting a watched model clears the memo in the process
that made the change at once (Django signals). Other processes:

- with Redis (`REDIS_URL`, decision 0025), the change also bumps the memo's
  version key there once the transaction commits; every process compares its
  memos' versions with Redis (one MGET for all memos) at the first memo read of
  each request, and at most every `CHECK_S` seconds outside requests (the
  worker), and clears a memo whose version moved. A save on one node is seen by
  the next request on every other node.
- without Redis, they see the change when their entry expires, so a memo's
  `ttl` is the longest any process can act on a stale value.

Queryset `update()` sends no signal and also waits for the `ttl` (or a call of
`changed(memo)`). Missing rows (a loader returning None) are never remembered.
If Redis cannot be reached the memos fall back to their `ttl` (one warning per
outage, no error for the request).

Only values that are safe to share between requests go in: model instances
handed out by a memo must not be changed by their users.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, ClassVar, Generic, TypeVar

from django.core.signals import request_started
from django.db.models.signals import post_delete, post_save

from grassroots.core.events import collect_after_commit

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

logger = logging.getLogger(__name__)

# Outside requests (the worker's threads), the shared versions are read at most this often.
CHECK_S = 1.0


class Memo(Generic[K, V]):
    every: ClassVar[list[Memo[Any, Any]]] = []

    def __init__(
        self, name: str, *, ttl: float, maxsize: int = 4096, bus: Bus | None = None
    ) -> None:
        self.name = name
        self.ttl = ttl
        self.maxsize = maxsize
        self._data: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()
        # The shared version this process last saw (None: not read yet).
        self.version: int | None = None
        # The process's bus, or one of its own (tests: two "processes" in one).
        self.bus = bus or BUS
        if bus is None:
            Memo.every.append(self)
        else:
            bus.own.append(self)

    def get(self, key: K, load: Callable[[K], V | None]) -> V | None:
        self.bus.sync()
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
        self.bus.sync()
        hit = self._data.get(key)
        return hit[1] if hit is not None and hit[0] > time.monotonic() else None

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def watch(self, *models: type) -> None:
        """Clear this memo whenever one of `models` is saved or deleted (in every process
        at once when Redis is configured; see the module's docstring)."""
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(self._on_change, sender=model, weak=False)

    def _on_change(self, **_kwargs: Any) -> None:
        changed(self)

    def __len__(self) -> int:
        return len(self._data)


def changed(memo: Memo[Any, Any]) -> None:
    """`memo`'s rows changed: clear it here now, and everywhere once the change commits."""
    memo.clear()
    if not memo.bus.enabled():
        return
    # One bump per memo and transaction, however many rows it saves.
    collect_after_commit(("memo", id(memo)), None, lambda _: memo.bus.bump(memo), robust=True)


def clear_all() -> None:
    """Forget everything (tests call this between tests: ids are reused there)."""
    for memo in Memo.every:
        memo.clear()


class Bus:
    """The memos' shared versions in Redis: one counter per memo name, bumped on a change."""

    def __init__(self, url: str | None = None, prefix: str | None = None) -> None:
        self._url = url
        self._prefix = prefix
        self._client: Any = None
        self._configured = url is not None
        self._request = 0  # bumped by every request_started
        self._seen_request = -1
        self._checked_at = 0.0
        self._down = False
        self._lock = threading.Lock()
        self.own: list[Memo[Any, Any]] = []  # memos made with this bus; none: every Memo

    @property
    def url(self) -> str:
        self._configure()
        return self._url or ""

    def _configure(self) -> None:
        if self._configured:
            return
        from django.conf import settings

        self._url = getattr(settings, "MEMO_REDIS_URL", "") or ""
        self._prefix = getattr(settings, "CACHE_PREFIX", "grassroots")
        self._configured = True

    def enabled(self) -> bool:
        self._configure()
        return bool(self._url)

    def client(self) -> Any:
        if self._client is None:
            import redis

            self._client = redis.Redis.from_url(
                self._url or "", socket_timeout=0.5, socket_connect_timeout=0.5
            )
        return self._client

    def key(self, memo: Memo[Any, Any]) -> str:
        return f"{self._prefix}:memo:{memo.name}"

    def request_started(self, **_kwargs: Any) -> None:
        self._request += 1

    def bump(self, memo: Memo[Any, Any]) -> None:
        try:
            self.client().incr(self.key(memo))
            self._up()
        except Exception as exc:  # noqa: BLE001 - Redis down: the others wait for the ttl
            self._failed(exc)

    def sync(self) -> None:
        """Clear every memo whose shared version moved since this process last looked.

        Cheap when nothing is due: one comparison. Due at the first memo read of a request
        and every CHECK_S seconds otherwise; then one MGET for all memos.
        """
        request = self._request
        now = time.monotonic()
        if request == self._seen_request and now - self._checked_at < CHECK_S:
            return
        if not self.enabled():
            self._seen_request, self._checked_at = request, now
            return
        with self._lock:
            if request == self._seen_request and now - self._checked_at < CHECK_S:
                return
            self._seen_request, self._checked_at = request, now
            memos = list(self.own or Memo.every)
            try:
                values = self.client().mget([self.key(m) for m in memos])
                self._up()
            except Exception as exc:  # noqa: BLE001 - Redis down: fall back to the ttl
                self._failed(exc)
                return
        for memo, raw in zip(memos, values, strict=True):
            version = int(raw) if raw is not None else 0
            if memo.version is not None and memo.version != version:
                memo.clear()
            memo.version = version

    def _failed(self, exc: BaseException) -> None:
        if not self._down:
            self._down = True
            logger.warning(
                "memo versions unavailable in Redis (%s); memos fall back to their ttl", exc
            )

    def _up(self) -> None:
        if self._down:
            self._down = False
            logger.warning("memo versions available in Redis again")


BUS = Bus()
request_started.connect(BUS.request_started, weak=False)
