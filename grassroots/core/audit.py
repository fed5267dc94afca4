"""Writing audit events: called by services inside their transaction.

`build` returns the unsaved row, for services that insert it together with the
row it describes (core.rows.insert_family).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from grassroots.core import clock
from grassroots.core.models import AuditEvent


def record(**kwargs: Any) -> AuditEvent:
    event = build(**kwargs)
    event.save(force_insert=True)
    return event


def build(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        at=clock.now(),
        actor=user,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        reason=reason[:300],
        data=data or {},
    )
