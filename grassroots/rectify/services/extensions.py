"""Deadline extensions: the unit asks, a reviewer decides; only an approval moves the date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit, clock
from grassroots.core.actors import Actor, acting_user
from grassroots.core.audit import Action
from grassroots.rectify import notices, workflow
from grassroots.rectify.models import Colour, Extension, Item
from grassroots.rectify.services import recipients
from grassroots.rectify.services.items import MAX_TEXT, _locked, _text


@transaction.atomic
def extension_request(*, actor: Actor, item: Item, new_deadline: dt.date, reason: str) -> Extension:
    item = _locked(actor, item)
    if not workflow.may_request_extension(actor, item):
        if "unit" not in workflow.parties(actor, item):
            raise PermissionDenied(_("You may not do this on this rectification item."))
        raise ValidationError(
            {"status": _("An extension can be requested only while the item is being rectified.")}
        )
    if not isinstance(new_deadline, dt.date) or isinstance(new_deadline, dt.datetime):
        raise ValidationError({"new_deadline": _("Give the new deadline as a date.")})
    if new_deadline <= item.deadline:
        raise ValidationError(
            {"new_deadline": _("The new deadline must come after the current one.")}
        )
    reason = _text("reason", reason, limit=MAX_TEXT, required=True)
    if item.extensions.filter(approved__isnull=True).exists():
        raise ValidationError({"new_deadline": _("An extension request is already waiting.")})
    extension = Extension.objects.create(
        item=item,
        old_deadline=item.deadline,
        new_deadline=new_deadline,
        reason=reason,
        requested_by=acting_user(actor),
        requested_at=clock.now(),
    )
    workflow.record_event(
        item,
        "request_extension",
        actor,
        note=reason,
        data={"extension": extension.pk, "new_deadline": new_deadline.isoformat()},
    )
    audit.record(actor=actor, action=Action.RECTIFY_EXTENSION_REQUESTED, obj=extension)
    recipients.send(
        item,
        recipients.reviewers(item),
        message=notices.EXTENSION_REQUESTED,
        unit=item.organization.name,
        due=new_deadline.isoformat(),
    )
    return extension


@transaction.atomic
def extension_decide(
    *, actor: Actor, extension: Extension, approve: bool, note: str = ""
) -> Extension:
    """Approve (the deadline moves, warnings start again) or refuse a waiting request."""
    item = _locked(actor, extension.item)
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if not workflow.may_decide_extension(actor, item):
        if "reviewer" not in workflow.parties(actor, item):
            raise PermissionDenied(_("You may not do this on this rectification item."))
        raise ValidationError({"status": _("This item is already signed off.")})
    if extension.approved is not None:
        raise ValidationError({"approved": _("This request has already been decided.")})
    note = _text("note", note, limit=MAX_TEXT)
    extension.approved = bool(approve)
    extension.decided_by = acting_user(actor)
    extension.decided_at = clock.now()
    extension.decision_note = note
    extension.save()
    data: dict[str, Any] = {
        "extension": extension.pk,
        "old_deadline": extension.old_deadline.isoformat(),
        "new_deadline": extension.new_deadline.isoformat(),
    }
    if approve:
        item.deadline = extension.new_deadline
        item.warned = Colour.NONE  # the warnings run again for the new deadline
        item.save(update_fields=["deadline", "warned", "updated_at"])
    workflow.record_event(
        item, "approve_extension" if approve else "refuse_extension", actor, note=note, data=data
    )
    audit.record(
        actor=actor,
        action=Action.RECTIFY_EXTENSION_APPROVED if approve else Action.RECTIFY_EXTENSION_REFUSED,
        obj=extension,
        data=data,
    )
    if extension.requested_by_id:
        recipients.send(
            item,
            [extension.requested_by_id],
            message=notices.EXTENSION_DECIDED,
            due=item.deadline.isoformat(),
        )
    return extension
