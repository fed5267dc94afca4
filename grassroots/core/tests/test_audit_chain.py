"""The audit log proves itself (issue #14, acceptance 3): `grassroots audit verify` passes on an
untouched log and names the row after an UPDATE, a DELETE or an INSERT made directly in the
database; prune keeps six months and leaves a log that still verifies.

The tampering is raw SQL through `connection.cursor()`, as someone with the database's password
and without the audit key would do it. Runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from grassroots.core import audit, auditchain, auditmac, clock, rows
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent, AuditSeal
from grassroots.core.tasks import seal_audit_log
from grassroots.testing import Town

TABLE = connection.ops.quote_name(AuditEvent._meta.db_table)


def _sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("{t}", TABLE), params)


def _verify() -> str:
    """verify's message: its one line when intact; raises with the problems otherwise."""
    out: list[str] = []
    try:
        call_command("audit", "verify", stdout=_Lines(out), stderr=_Lines(out))
    except CommandError as exc:
        raise AssertionError("\n".join([*out, str(exc)])) from exc
    return "\n".join(out)


class _Lines:
    def __init__(self, out: list[str]) -> None:
        self.out = out

    def write(self, text: str) -> None:
        self.out.append(text.strip())

    def flush(self) -> None:  # the command's OutputWrapper asks for it
        pass


def _problems() -> list[str]:
    report = auditchain.verify()
    assert not report.intact
    return report.problems


def _sealed_town(town: Town) -> list[AuditEvent]:
    auditchain.seal()
    sealed = list(AuditEvent.objects.filter(seq__isnull=False).order_by("seq"))
    assert len(sealed) > 10
    return sealed


def test_an_untouched_log_verifies_in_one_line(town: Town) -> None:
    total = AuditEvent.objects.count()
    assert AuditEvent.objects.filter(seq__isnull=True).count() == total  # nothing sealed yet
    pending = _verify()
    assert "intact" in pending and f"{total} pending" in pending

    assert auditchain.seal() == total
    assert auditchain.seal() == 0
    line = _verify()
    assert line.count("\n") == 0 and "intact" in line
    assert f"{total} sealed rows (seq 1..{total}), 0 pending" in line
    seal = AuditSeal.objects.get()
    assert seal.head_seq == total and seal.mac == seal.expected_mac()


def test_the_worker_seals_every_minute(town: Town) -> None:
    assert seal_audit_log.call_local() == AuditEvent.objects.count()
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()


def test_an_update_names_the_row(town: Town) -> None:
    row = _sealed_town(town)[5]
    _sql("UPDATE {t} SET reason = %s WHERE id = %s", ["改过的", row.pk])
    assert _problems() == [
        f"row id {row.pk} seq {row.seq}: content changed or row inserted (MAC fails)"
    ]
    with pytest.raises(AssertionError, match=f"row id {row.pk} seq {row.seq}"):
        _verify()


def test_a_changed_time_or_actor_is_seen_too(town: Town) -> None:
    first, second = _sealed_town(town)[3:5]
    _sql("UPDATE {t} SET at = %s WHERE id = %s", [first.at - dt.timedelta(days=1), first.pk])
    _sql("UPDATE {t} SET actor_id = %s WHERE id = %s", [town.oscar.pk, second.pk])
    problems = _problems()
    assert len(problems) == 2
    assert f"row id {first.pk} seq {first.seq}" in problems[0]
    assert f"row id {second.pk} seq {second.seq}" in problems[1]


def test_a_delete_names_the_missing_place(town: Town) -> None:
    sealed = _sealed_town(town)
    before, gone, after = sealed[6:9]
    _sql("DELETE FROM {t} WHERE id = %s", [gone.pk])
    problems = _problems()
    assert problems[0] == (
        f"seq {gone.seq}..{gone.seq} missing before row id {after.pk} seq {after.seq} "
        f"(after row id {before.pk}): rows were deleted"
    )
    with pytest.raises(AssertionError, match=f"seq {gone.seq}"):
        _verify()


def test_removing_the_newest_or_oldest_rows_is_seen(town: Town) -> None:
    sealed = _sealed_town(town)
    _sql("DELETE FROM {t} WHERE id IN (%s, %s)", [sealed[-1].pk, sealed[0].pk])
    problems = _problems()
    assert any("seq 1..1 missing" in p for p in problems)
    assert any("the newest sealed rows were removed" in p for p in problems)


def test_an_insert_is_named_sealed_or_pending(town: Town) -> None:
    sealed = _sealed_town(town)
    model = sealed[2]
    columns = [f.column for f in AuditEvent._meta.concrete_fields if f.column != "id"]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    # A made-up row, with a MAC the forger had to guess.
    values = [
        getattr(model, f.attname) for f in AuditEvent._meta.concrete_fields if f.column != "id"
    ]
    made_up = dict(zip(columns, values, strict=True))
    made_up.update(reason="伪造", mac="0" * 64, seq=None, prev_hash="", chain_hash="", nonce="ab")
    made_up["data"] = "{}"
    made_up["roles"] = "[]"
    placeholders = ", ".join(["%s"] * len(columns))
    _sql(f"INSERT INTO {{t}} ({names}) VALUES ({placeholders})", [made_up[c] for c in columns])  # noqa: S608 - test SQL over model columns
    forged = AuditEvent.objects.get(reason="伪造")
    # And a copy of a genuine row, squeezed into the chain with a seq of its own.
    copy = dict(made_up, reason=model.reason, mac=model.mac, nonce=model.nonce, seq=10_000)
    _sql(f"INSERT INTO {{t}} ({names}) VALUES ({placeholders})", [copy[c] for c in columns])  # noqa: S608 - test SQL over model columns
    copied = AuditEvent.objects.get(seq=10_000)
    problems = _problems()
    assert f"row id {forged.pk} seq -: content changed or row inserted (MAC fails)" in problems
    assert any(p.startswith(f"row id {copied.pk} seq 10000") for p in problems)


def test_a_row_chained_again_by_hand_is_seen(town: Town) -> None:
    row = _sealed_town(town)[4]
    _sql("UPDATE {t} SET seq = NULL, prev_hash = '', chain_hash = '' WHERE id = %s", [row.pk])
    problems = _problems()
    assert any("missing before" in p for p in problems)


def test_the_seal_refuses_a_forged_head_and_verify_says_so(town: Town) -> None:
    _sealed_town(town)
    AuditSeal.objects.filter(pk=1).update(head_seq=3)
    audit.record(actor=None, action=Action.DEMO_LOADED)
    with pytest.raises(auditchain.Tampered):
        auditchain.seal()
    assert "the seal's state (anchor and head) was changed: its MAC fails" in _problems()


def test_a_row_written_with_its_parent_is_completed_by_the_seal(town: Town) -> None:
    # core.rows.insert_family: on PostgreSQL the database fills the audit row's object id
    # in the same statement; the MAC covers the marker until the seal completes it.
    parent = audit.build(actor=town.alice, action=Action.DEMO_LOADED)
    child = audit.build(actor=town.alice, action=Action.DEMO_RESET)
    rows.insert_family(parent, [(child, "object_id", rows.TEXT)])
    stored = AuditEvent.objects.get(pk=child.pk)
    assert stored.object_id == str(parent.pk)
    assert auditchain.verify().intact
    auditchain.seal()
    stored = AuditEvent.objects.get(pk=child.pk)
    assert auditmac.mac_matches(stored)
    assert auditchain.verify().intact
    # Once sealed, the object id is covered like every other field.
    _sql("UPDATE {t} SET object_id = %s WHERE id = %s", ["999", child.pk])
    assert any(f"row id {child.pk}" in p for p in _problems())


@pytest.fixture
def long_ago() -> dt.datetime:
    """Build the town (and its audit rows) 400 days ago; returns today's time."""
    now = clock.now()
    clock.set_now(now - dt.timedelta(days=400))
    return now


def test_prune_keeps_six_months_and_the_log_still_verifies(
    long_ago: dt.datetime, town: Town
) -> None:
    clock.set_now(long_ago)
    old = set(AuditEvent.objects.values_list("pk", flat=True))
    for n in range(3):
        audit.record(actor=None, action=Action.DEMO_LOADED, data={"n": n})
    auditchain.seal()
    too_recent = clock.today() - dt.timedelta(days=100)
    with pytest.raises(CommandError, match="183 days"):
        call_command("audit", "prune", "--before", too_recent.isoformat(), "--confirm")
    with pytest.raises(CommandError, match="not a date"):
        call_command("audit", "prune", "--before", "2026-13-01")
    before = (clock.today() - dt.timedelta(days=200)).isoformat()
    out: list[str] = []
    call_command("audit", "prune", "--before", before, stdout=_Lines(out))  # a dry run
    assert f"would remove {len(old)} sealed rows" in out[0]
    assert AuditEvent.objects.filter(pk__in=old).count() == len(old)

    call_command("audit", "prune", "--before", before, "--confirm", stdout=_Lines(out))
    assert not AuditEvent.objects.filter(pk__in=old).exists()
    assert AuditEvent.objects.filter(action=Action.DEMO_LOADED).count() == 3
    pruned = AuditEvent.objects.get(action=Action.AUDIT_LOG_PRUNED)
    seal = AuditSeal.objects.get()
    assert pruned.data["count"] == len(old) and pruned.data["anchor_seq"] == seal.anchor_seq
    assert seal.anchor_seq == len(old) and pruned.data["anchor_hash"] == seal.anchor_hash
    assert pruned.seq is not None  # the prune's own row is sealed
    assert "intact" in _verify()


def test_prune_refuses_a_log_that_does_not_verify(long_ago: dt.datetime, town: Town) -> None:
    clock.set_now(long_ago)
    row = _sealed_town(town)[2]
    _sql("UPDATE {t} SET reason = %s WHERE id = %s", ["抹掉的", row.pk])
    before = (clock.today() - dt.timedelta(days=200)).isoformat()
    with pytest.raises(CommandError, match="nothing removed"):
        call_command("audit", "prune", "--before", before, "--confirm")
    assert AuditEvent.objects.filter(pk=row.pk).exists()
