"""Sealing, verifying and pruning the audit log's hash chain (issue #14, decision 0015).

- `seal()` gives every unsealed row, in id order, the next `seq`, the previous row's
  chain hash and its own (`core.auditmac.chain_hash`); it holds the one-row `AuditSeal`
  locked only while it does so (the worker runs it every minute; `grassroots audit seal`).
  Business transactions never wait on it: they insert rows with their MAC and go.
- `verify()` reads, writes nothing: every row's MAC, the chain from the anchor to the head
  the seal records, and the unsealed rows ("pending"). It names each row that was changed,
  inserted or removed behind the application's back.
- `prune(before)` removes the oldest sealed rows (a prefix of the chain, all older than
  `before`, which must be at least `RETENTION_DAYS` ago), moves the anchor to the last
  removed row and records itself.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from grassroots.core import audit, auditmac, clock
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent, AuditSeal

log = logging.getLogger(__name__)

RETENTION_DAYS = 183  # at least six months
BATCH = 2000


class Tampered(Exception):
    """The seal's own state fails its MAC: sealing would bless a forged chain."""


@dataclass
class Report:
    sealed: int = 0
    pending: int = 0
    anchor_seq: int = 0
    head_seq: int = 0
    head_hash: str = auditmac.GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        state = "intact" if self.intact else f"TAMPERED ({len(self.problems)} problem(s))"
        return (
            f"audit log {state}: {self.sealed} sealed rows (seq {self.anchor_seq + 1}"
            f"..{self.head_seq}), {self.pending} pending, head {self.head_hash[:16]}"
        )


class _Row(NamedTuple):
    """An audit row read as a tuple (verify reads many; no model instance per row)."""

    id: int
    seq: int | None
    prev_hash: str
    chain_hash: str
    mac: str
    at: dt.datetime
    actor_id: int | None
    action: str
    object_type: str
    object_id: str
    reason: str
    data: Any
    source: str
    roles: Any
    result: str
    nonce: str

    def label(self) -> str:
        return f"row id {self.id} seq {self.seq if self.seq is not None else '-'}"


def _state(lock: bool = False) -> AuditSeal:
    rows = AuditSeal.objects.select_for_update() if lock else AuditSeal.objects.all()
    state = rows.filter(pk=1).first()
    if state is None:
        state = AuditSeal(pk=1)
        state.mac = state.expected_mac()
        if lock:
            state.save(force_insert=True)
    return state


def _rows(qs: Any) -> Iterator[_Row]:
    for values in qs.values_list(*_Row._fields).iterator(chunk_size=BATCH):
        yield _Row(*values)


# --- seal -----------------------------------------------------------------------------


def seal(limit: int = 100_000) -> int:
    """Chain the unsealed rows (at most `limit`, in batches); returns how many."""
    done = 0
    while done < limit:
        count = _seal_batch(min(BATCH, limit - done))
        done += count
        if count == 0:
            break
    return done


@transaction.atomic
def _seal_batch(size: int) -> int:
    state = _state(lock=True)
    if state.mac != state.expected_mac():
        raise Tampered("the audit seal's state fails its MAC: run `grassroots audit verify`")
    pending = list(_rows(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:size]))
    if not pending:
        return 0
    seq, prev = state.head_seq, state.head_hash
    sealed = []
    for row in pending:
        seq += 1
        mac = auditmac.upgraded_mac(row) or row.mac
        link = auditmac.chain_hash(prev, seq, row.id, mac)
        sealed.append(AuditEvent(id=row.id, seq=seq, prev_hash=prev, chain_hash=link, mac=mac))
        prev = link
    AuditEvent.objects.bulk_update(sealed, ["seq", "prev_hash", "chain_hash", "mac"])
    state.head_seq, state.head_hash, state.sealed_at = seq, prev, clock.now()
    state.mac = state.expected_mac()
    state.save()
    # The head in the application's log too: a copy the database's writer cannot reach.
    log.info("audit log sealed to seq %s, head %s", seq, prev)
    return len(sealed)


# --- verify ---------------------------------------------------------------------------


def verify() -> Report:
    """Check the whole log without writing; `Report.problems` names every bad row.

    One snapshot (REPEATABLE READ on PostgreSQL; a read transaction is one on SQLite), so
    a seal running meanwhile does not look like rows added past the head.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return _verify()


def _verify() -> Report:
    state = _state()
    report = Report(anchor_seq=state.anchor_seq, head_seq=state.head_seq, head_hash=state.head_hash)
    if state.mac != state.expected_mac():
        report.problems.append("the seal's state (anchor and head) was changed: its MAC fails")
    seen: dict[str, int] = {}
    last = _verify_chain(state, report, seen)
    if last is None and state.head_seq > state.anchor_seq:
        report.problems.append(
            f"every sealed row is gone: the seal records seq {state.anchor_seq + 1}"
            f"..{state.head_seq}"
        )
    elif last is not None and (last.seq, last.chain_hash) != (state.head_seq, state.head_hash):
        report.problems.append(
            f"the chain ends at {last.label()} but the seal records seq {state.head_seq}: "
            "the newest sealed rows were removed or added"
        )
    for row in _rows(AuditEvent.objects.filter(seq__isnull=True).order_by("id")):
        report.pending += 1
        _check_mac(row, report, seen, pending=True)
    return report


def _verify_chain(state: AuditSeal, report: Report, seen: dict[str, int]) -> _Row | None:
    expected_seq, prev = state.anchor_seq + 1, state.anchor_hash
    last: _Row | None = None
    for row in _rows(AuditEvent.objects.filter(seq__isnull=False).order_by("seq")):
        seq = row.seq or 0  # never None here: the rows are filtered on it
        report.sealed += 1
        if seq < expected_seq:
            report.problems.append(f"{row.label()}: out of place (inserted, or a copied seq)")
        elif seq > expected_seq:
            report.problems.append(
                f"seq {expected_seq}..{seq - 1} missing before {row.label()}"
                f"{f' (after row id {last.id})' if last else ''}: rows were deleted"
            )
        if row.prev_hash != prev:
            report.problems.append(f"{row.label()}: does not follow the row sealed before it")
        if row.chain_hash != auditmac.chain_hash(row.prev_hash, seq, row.id, row.mac):
            report.problems.append(f"{row.label()}: chain hash wrong (row inserted or re-sealed)")
        _check_mac(row, report, seen, pending=False)
        expected_seq, prev, last = seq + 1, row.chain_hash, row
    return last


def _check_mac(row: _Row, report: Report, seen: dict[str, int], *, pending: bool) -> None:
    mac: str = row.mac
    if not (auditmac.mac_matches(row) or (pending and auditmac.upgraded_mac(row))):
        report.problems.append(f"{row.label()}: content changed or row inserted (MAC fails)")
    elif mac in seen:
        report.problems.append(f"{row.label()}: a copy of row id {seen[mac]} (inserted)")
    seen.setdefault(mac, row.id)


# --- prune ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pruned:
    count: int
    anchor_seq: int
    anchor_hash: str


def earliest_allowed(today: dt.date | None = None) -> dt.date:
    """The latest `before` a prune accepts: rows are kept at least RETENTION_DAYS."""
    return (today or clock.today()) - dt.timedelta(days=RETENTION_DAYS)


def prune_plan(before: dt.date) -> tuple[int, int]:
    """(rows, last seq) a prune before `before` would remove: the sealed prefix older than it."""
    state = _state()
    start = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    sealed = AuditEvent.objects.filter(seq__gt=state.anchor_seq)
    first_kept = sealed.filter(at__gte=start).aggregate(m=Min("seq"))["m"]
    last = state.head_seq if first_kept is None else first_kept - 1
    return sealed.filter(seq__lte=last).count(), last


def prune(*, before: dt.date, actor: Any = None) -> Pruned:
    """Remove the sealed rows older than `before` (at least 183 days ago), audited."""
    if before > earliest_allowed():
        raise ValueError(
            f"rows are kept {RETENTION_DAYS} days: choose {earliest_allowed()} or earlier"
        )
    seal()
    # Removing rows of a log that does not verify would remove the evidence with them.
    report = verify()
    if not report.intact:
        raise Tampered(f"{report.summary()}: run `grassroots audit verify`; nothing removed")
    with transaction.atomic():
        state = _state(lock=True)
        if state.mac != state.expected_mac():
            raise Tampered("the audit seal's state fails its MAC: nothing removed")
        count, last = prune_plan(before)
        anchor_hash = state.anchor_hash
        if count:
            anchor_hash = AuditEvent.objects.get(seq=last).chain_hash
            # QuerySet.delete: the model refuses one row's delete(), not the retention job's.
            AuditEvent.objects.filter(seq__lte=last).delete()
            state.anchor_seq, state.anchor_hash = last, anchor_hash
            state.mac = state.expected_mac()
            state.save()
        audit.record(
            actor=actor,
            action=Action.AUDIT_LOG_PRUNED,
            data={
                "before": before.isoformat(),
                "count": count,
                "anchor_seq": state.anchor_seq,
                "anchor_hash": state.anchor_hash,
            },
        )
    seal()
    return Pruned(count, state.anchor_seq, state.anchor_hash)
