"""Reads of lists, dashboards and exports from a streaming standby (issue #15, decision 0024).

With `DATABASE_REPLICA_URL` set, settings add the `replica` connection, `ReplicaRouter` and
`ReplicaReadMiddleware`; unset, neither is installed and every query goes to `default`.

Everything reads the primary except a *replica read*: a safe request (GET, HEAD) to a view
named in `READ_VIEWS`, or a block of code under `replica_reads()`. Even there the primary
answers when

- the user is pinned: their own write (a successful POST/PUT/PATCH/DELETE, or any request
  that wrote an audit row, which every service does) sets a signed cookie that keeps their
  reads on the primary for `REPLICA_PIN_SECONDS`, so they see what they just did. A cookie,
  not process memory: the next request may land on another app node;
- the code is inside `transaction.atomic` (a transaction reads what it writes), or this
  request or block has already called a service (written an audit row);
- the replica does not answer: the router falls back to the primary, logs one warning for the
  outage and tries the replica again after `RETRY_SECONDS`.

The worker never enters a replica read, so its jobs read the primary. Writes and migrations
always go to `default`.
"""

from __future__ import annotations

import contextlib
import fnmatch
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from grassroots.core import clock
from grassroots.core.outage import DATABASE_ERRORS, short_reason

REPLICA = "replica"
PIN_COOKIE = "grassroots_primary"
PIN_SALT = "grassroots.core.dbrouter.pin"
SAFE_METHODS = ("GET", "HEAD")
# A service writes an audit row with every change: such a request pins its user.
SERVICE_WRITE = "core.AuditEvent"
RETRY_SECONDS = 5.0
# Always read from the primary: the shared cache (rate-limit counters must not lag), sessions
# and sign-in lock-outs (a fresh sign-in may not have reached the replica yet).
PRIMARY_ONLY = frozenset({"django_cache", "sessions", "axes"})

# The views whose GET/HEAD the replica may answer (resolved names, `*` as in fnmatch): the
# dashboards, the list pages and the exports; `settings.REPLICA_READ_VIEWS` replaces the list.
# Names, not imports: core knows no app above it. Not the API: a token client may not keep
# the pin cookie, and would then not see its own writes.
READ_VIEWS = (
    "dashboards:*",
    "home:home",
    *("grid:browser", "grid:household_list", "party:tree", "accounts:manage"),
    *("cases:inbox", "cases:board", "cases:measures", "cases:measures_export", "cases:export"),
    *("exchange:export", "orglife:list", "orglife:export", "reports:list"),
    *("alliances:list", "alliances:export", "alliances:projects", "alliances:project_export"),
    *("rectify:ledger", "rectify:export", "rectify:print", "sites:board", "sites:export"),
    *("inspections:index", "inspections:export"),
    *("inspections:campaigns", "inspections:campaigns_export"),
    *("duties:board", "duties:board_export", "duties:branch", "duties:branch_export"),
    "duties:plans",
    *("cadence:arrangements", "cadence:reviews", "cadence:instructors"),
    "cadence:instructors_xlsx",
    *("trainings:list", "trainings:list_export", "trainings:hours", "trainings:hours_export"),
    *("trainings:enrolments", "trainings:enrolments_export", "trainings:session_export"),
    *("core:audit_log", "core:audit_log_export"),
)

log = logging.getLogger(__name__)


@dataclass
class Reads:
    """What the current request or block may read from, and what it has done."""

    replica: bool = False  # a replica read (marked view or `replica_reads()`), user not pinned
    wrote: bool = False  # a service wrote (an audit row): the rest reads the primary, user pinned
    probed: bool | None = None  # the replica answered this request (None: not asked yet)


_READS: ContextVar[Reads | None] = ContextVar("grassroots_replica_reads", default=None)


def configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def replica_reads() -> Iterator[Reads]:
    """Mark a block of code (an export command, say) as reads the replica may serve."""
    reads = Reads(replica=True)
    token = _READS.set(reads)
    try:
        yield reads
    finally:
        _READS.reset(token)


class Outage:
    """The replica's health in this process: one warning when it goes, one when it is back."""

    down_until = 0.0  # time.monotonic() before which the replica is not asked again
    down = False

    @classmethod
    def answers(cls) -> bool:
        if not configured() or (cls.down and time.monotonic() < cls.down_until):
            return False
        conn = connections[REPLICA]
        try:
            # A kept connection the replica's restart broke is replaced, not used; this is
            # the request's health check of that connection (Django's own would repeat it).
            if conn.connection is not None and not conn.is_usable():
                conn.close()
            conn.ensure_connection()
            conn.health_check_done = True  # type: ignore[attr-defined]
        except DATABASE_ERRORS as exc:
            with contextlib.suppress(*DATABASE_ERRORS):
                conn.close()
            if not cls.down:
                log.warning("read replica unavailable, reading the primary: %s", short_reason(exc))
            cls.down, cls.down_until = True, time.monotonic() + RETRY_SECONDS
            return False
        if cls.down:
            log.warning("read replica answers again")
            cls.down = False
        return True

    @classmethod
    def forget(cls) -> None:
        cls.down, cls.down_until = False, 0.0


def reads_replica() -> bool:
    """Whether a read here goes to the replica (see the module's docstring)."""
    reads = _READS.get()
    if reads is None or not reads.replica or reads.wrote:
        return False
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return False
    if reads.probed is None:
        reads.probed = Outage.answers()
    return reads.probed


class ReplicaRouter:
    """Writes and migrations to `default`; reads to `replica` only where `reads_replica()`."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if model._meta.app_label in PRIMARY_ONLY:
            return DEFAULT_DB_ALIAS
        return REPLICA if reads_replica() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        # Django also asks this when a related object is merely assigned, so "asked" is not
        # "wrote"; but every change of state is a service that writes an audit row, and
        # that row is what marks a write (the shared cache and sessions read the primary).
        reads = _READS.get()
        if reads is not None and model._meta.label == SERVICE_WRITE:
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The two connections hold the same rows: a row read from either may refer to the other.
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        return True if {obj1._state.db, obj2._state.db} <= aliases else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


def read_views() -> tuple[str, ...]:
    return tuple(getattr(settings, "REPLICA_READ_VIEWS", READ_VIEWS))


def view_patterns(names: Iterable[str]) -> Callable[[str], bool]:
    """`"dashboards:*"`-style names (fnmatch) → a test of a resolved view name."""
    patterns = tuple(names)
    return lambda name: any(fnmatch.fnmatchcase(name, p) for p in patterns)


def pinned(request: HttpRequest) -> bool:
    """The request's user wrote less than REPLICA_PIN_SECONDS ago (the signed cookie says when)."""
    until = request.get_signed_cookie(PIN_COOKIE, default=None, salt=PIN_SALT)
    try:
        return until is not None and float(until) > clock.now().timestamp()
    except ValueError:
        return False


def pin(response: HttpResponse) -> None:
    seconds = settings.REPLICA_PIN_SECONDS
    response.set_signed_cookie(
        PIN_COOKIE,
        f"{clock.now().timestamp() + seconds:.3f}",
        salt=PIN_SALT,
        max_age=seconds,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class ReplicaReadMiddleware:
    """Marks the replica reads of a request and pins a user who wrote (after authentication)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not configured():
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.marked = view_patterns(read_views())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reads = Reads()
        token = _READS.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _READS.reset(token)
        user = getattr(request, "user", None)
        changed = request.method not in SAFE_METHODS and response.status_code < 400
        if user is not None and user.is_authenticated and (changed or reads.wrote):
            pin(response)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        match = request.resolver_match
        if request.method not in SAFE_METHODS or match is None or not self.marked(match.view_name):
            return
        # The session and the user come from the primary: a fresh sign-in may not have
        # reached the replica yet. Reading `is_authenticated` loads them now.
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 - loads the lazy user before the marking
        reads = _READS.get()
        if reads is not None and not pinned(request):
            reads.replica = True
