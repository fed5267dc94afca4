"""Helpers every app's services share: permission checks and reveals."""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from grassroots.core import audit, personal
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.scoping import Scope, scope_for


def require(actor: Actor, capability: str) -> None:
    if not scope_for(actor).can(capability):
        raise PermissionDenied(_("You do not have permission to do this."))


def require_visible(actor: Actor, obj: models.Model) -> None:
    """Raise 404 (never 403) when obj is outside the actor's scope."""
    model: Any = type(obj)  # a scoped model: `visible_to` is on its manager
    if not model.objects.visible_to(actor).filter(pk=obj.pk).exists():
        raise Http404


class TreeNode(Protocol):
    """A node of a scoped tree (a place, a Party organisation): it says whether a scope reaches it."""

    def reached_by(self, scope: Scope) -> bool: ...


def reaches(actor: Actor, node: object) -> bool:
    """True unless `node` is a tree node the actor's scope does not reach *into*.

    Ancestors of a reached subtree are visible (for breadcrumbs) but not
    reached: nobody may add a village under the town because they see the town.
    Objects that are not tree nodes are not judged here (their visibility is).
    """
    reached_by = getattr(node, "reached_by", None)
    return reached_by is None or bool(reached_by(scope_for(actor)))


def require_reach(actor: Actor, node: TreeNode) -> None:
    """Raise 404 unless the actor's scope reaches into this tree node."""
    if not node.reached_by(scope_for(actor)):
        raise Http404


REVEALABLE = {"phone": "phone", "id_number": "id_number"}


@transaction.atomic
def reveal(*, actor: Actor, obj: models.Model, field: str, reason: str) -> str:
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
        actor=actor, action=Action.PERSONAL_REVEALED, obj=obj, reason=reason, data={"field": field}
    )
    return value
