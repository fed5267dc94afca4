"""Helpers every app's services share: permission checks and reveals."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from grassroots.core import audit, personal
from grassroots.core.scoping import scope_for


def require(actor: Any, capability: str) -> None:
    if not scope_for(actor).can(capability):
        raise PermissionDenied(_("You do not have permission to do this."))


def require_visible(actor: Any, obj: models.Model) -> None:
    """Raise 404 (never 403) when obj is outside the actor's scope."""
    model: Any = type(obj)  # a scoped model: `visible_to` is on its manager
    if not model.objects.visible_to(actor).filter(pk=obj.pk).exists():
        raise Http404


def require_reach(actor: Any, node: models.Model) -> None:
    """Raise 404 unless the actor's scope reaches *into* this tree node.

    Ancestors of a reached subtree are visible (for breadcrumbs) but not
    reached: nobody may add a village under the town because they see the town.
    """
    scope = scope_for(actor)
    path = getattr(node, "path", "")
    covers = (
        scope.covers_org_path
        if node._meta.label_lower == "party.organization"
        else scope.covers_place_path
    )
    if not covers(path):
        raise Http404


REVEALABLE = {"phone": "phone", "id_number": "id_number"}


@transaction.atomic
def reveal(*, actor: Any, obj: models.Model, field: str, reason: str) -> str:
    """Return the plain value of a personal field, recording who asked and why."""
    if field not in REVEALABLE or not hasattr(obj, field):
        raise ValueError(f"{field} is not a personal field of {obj._meta.label}")
    require_visible(actor, obj)
    require(actor, "reveal_personal")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise PermissionDenied(_("Give a reason to reveal personal data."))
    value = personal.decrypt(getattr(obj, field))
    audit.record(
        actor=actor, action="personal.reveal", obj=obj, reason=reason, data={"field": field}
    )
    return value
