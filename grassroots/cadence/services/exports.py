"""Auditing the downloads of cadence pages (an arrangement, a quarterly ranking)."""

from __future__ import annotations

from django.db import transaction

from grassroots.core import audit
from grassroots.core.actors import Actor
from grassroots.core.audit import Action


@transaction.atomic
def export_record(
    *, actor: Actor, what: str, object_type: str, object_id: str | int, fmt: str, rows: int
) -> None:
    """One audit row per download: what was exported, in which format, how many rows."""
    audit.record(
        actor=actor,
        action=Action.CADENCE_EXPORTED,
        object_type=object_type,
        object_id=object_id,
        data={"what": what, "format": fmt, "rows": rows},
    )
