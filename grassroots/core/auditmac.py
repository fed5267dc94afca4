"""The audit log's keyed hashes: one MAC per row at insert, one chain hash per sealed row.

Pure functions over values (no model import), so that `core.models`, the worker's
`core.auditchain.seal`, `grassroots audit verify` and core's migration share them.

- `row_mac(row)`: HMAC-SHA256 of the canonical JSON of every field a reader relies on
  (time, actor, action, object, reason, data, source address, roles, result) and the
  row's random nonce. Computed when the row is inserted, whatever the path (`save`,
  `bulk_create`, `core.rows`): the model's `mac` field computes it in `pre_save`.
- `chain_hash(prev, seq, pk, mac)`: the link written by the sealer; it binds the row's
  place in the log (seq), its id and its MAC to everything sealed before it.
- `seal_mac(...)`: the MAC of the seal's own state (anchor and head of the chain).

The key is `settings.AUDIT_KEY` (`GRASSROOTS_AUDIT_KEY`), else derived from SECRET_KEY:
someone who can write the database but does not hold the key can change, add or remove
rows, but cannot make `verify` accept the result (decision 0015).
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from typing import Any

from django.conf import settings

VERSION = "1"
# object_id of an audit row inserted by `core.rows.insert_family` before its parent has an
# id: the MAC covers this marker, the database receives the parent's id in the same
# statement, and the sealer replaces the MAC by the full one (`upgraded_mac`).
LINKED = "@parent"
# actor_id of an audit row whose statement finds the acting user itself (the training
# check-in's fast path: the caller's token is resolved in the same statement).
CALLER = "@caller"
GENESIS = "0" * 64
FIELDS = (
    "at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "reason",
    "data",
    "source",
    "roles",
    "result",
    "nonce",
)


def key() -> bytes:
    configured = getattr(settings, "AUDIT_KEY", "")
    if configured:
        return configured.encode()
    # A key of its own derived from SECRET_KEY, never SECRET_KEY itself.
    return hmac.new(settings.SECRET_KEY.encode(), b"grassroots.audit.v1", "sha256").digest()


def _moment(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _json(value: Any) -> Any:
    """The value as the database gives it back (a JSON round trip: tuples are lists, …)."""
    return json.loads(json.dumps(value))


def canonical(row: Any, **override: Any) -> bytes:
    """The bytes a row's MAC covers; `row` is an AuditEvent (or any object with its fields)."""
    values = {name: getattr(row, name) for name in FIELDS}
    values.update(override)
    values["at"] = _moment(values["at"])
    values["data"] = _json(values["data"] or {})
    values["roles"] = _json(values["roles"] or [])
    for name in ("action", "object_type", "object_id", "reason", "source", "result", "nonce"):
        values[name] = str(values[name] or "")
    values["v"] = VERSION
    text = json.dumps(
        values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return text.encode()


def _hex(message: bytes) -> str:
    return hmac.new(key(), message, "sha256").hexdigest()


def row_mac(row: Any, **override: Any) -> str:
    return _hex(b"row|" + canonical(row, **override))


def mac_matches(row: Any) -> bool:
    return hmac.compare_digest(row.mac or "", row_mac(row))


def upgraded_mac(row: Any) -> str | None:
    """The full MAC of a row written with the `LINKED` (and `CALLER`) marker, else None."""
    if not row.mac or row.object_id in ("", LINKED):
        return None
    for markers in ({"object_id": LINKED}, {"object_id": LINKED, "actor_id": CALLER}):
        if hmac.compare_digest(row.mac, row_mac(row, **markers)):
            return row_mac(row)
    return None


def chain_hash(prev: str, seq: int, pk: int, mac: str) -> str:
    return _hex(f"chain|{VERSION}|{prev}|{seq}|{pk}|{mac}".encode())


def seal_mac(anchor_seq: int, anchor_hash: str, head_seq: int, head_hash: str) -> str:
    return _hex(f"seal|{VERSION}|{anchor_seq}|{anchor_hash}|{head_seq}|{head_hash}".encode())
