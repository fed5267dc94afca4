"""Findings become rectification items in one step (整改), through `rectify.services`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.services import require, require_visible
from grassroots.inspections.models import Finding, Inspection
from grassroots.rectify import services as rectify
from grassroots.rectify.models import Item, Source


@transaction.atomic
def findings_to_rectification(
    *, actor: Actor, inspection: Inspection, deadline: dt.date, kind: str
) -> list[Item]:
    """Every flagged finding without an item becomes one (source: supervision); idempotent.

    Returns the items made by this call (none when every flagged finding has one already).
    """
    require(actor, Cap.INSPECT)
    require(actor, Cap.MANAGE_RECTIFICATION)
    require_visible(actor, inspection)
    inspection = (
        Inspection.objects.select_related("organization")
        .select_for_update(of=("self",))
        .get(pk=inspection.pk)
    )
    if inspection.status == Inspection.Status.DRAFT:
        raise ValidationError({"status": _("Submit the inspection before rectification.")})
    pending = list(
        Finding.objects.filter(
            inspection=inspection, needs_rectification=True, rectification__isnull=True
        ).select_related("indicator")
    )
    made = []
    for finding in pending:
        item = rectify.item_register(
            actor=actor,
            organization=inspection.organization,
            source=Source.SUPERVISION,
            problem=finding.text or finding.indicator.title,
            kind=kind,
            deadline=deadline,
            source_ref=inspection.reference,
            is_demo=inspection.is_demo,
        )
        finding.rectification = item
        finding.save(update_fields=["rectification"])
        made.append(item)
    audit.record(
        actor=actor,
        action=Action.INSPECTIONS_FINDINGS_RECTIFIED,
        obj=inspection,
        data={"items": [i.pk for i in made]},
    )
    return made
