"""Helpers every app's services share: permission checks and reveals."""

from __future__ import annotations

import unicodedata
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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

# A reason must weigh this much: a letter counts 1, a wide (CJK) character 2, so
# "核对" or "call" pass and "ab", "好" or digits alone do not.
REASON_MIN_WEIGHT = 4
# Characters that show nothing: controls, format characters (zero-width spaces and
# joiners, bidi marks, soft hyphen), unassigned and private-use code points.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs"})
REASON_REFUSED = gettext_lazy(
    "Give a reason to reveal personal data, in a few words (not just spaces or symbols)."
)


def visible_text(text: str) -> str:
    """The text without invisible characters, whitespace runs collapsed and trimmed."""
    kept = "".join(ch for ch in text or "" if unicodedata.category(ch) not in INVISIBLE_CATEGORIES)
    return " ".join(kept.split())


def meaningful_reason(text: str) -> str:
    """The reason as it will be stored, or "" when it says nothing.

    A reveal reason is read later by an auditor: it must carry a few real
    letters (not digits or punctuation alone, not one character repeated).
    """
    reason = visible_text(text)
    letters = [ch for ch in reason if unicodedata.category(ch).startswith("L")]
    weight = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in letters)
    if weight < REASON_MIN_WEIGHT or len(set(letters)) < 2:
        return ""
    return reason


def require_reason(text: str) -> str:
    """The cleaned reason; PermissionDenied with a translated message when it says nothing."""
    reason = meaningful_reason(text)
    if not reason:
        raise PermissionDenied(str(REASON_REFUSED))
    return reason


@transaction.atomic
def reveal(*, actor: Actor, obj: models.Model, field: str, reason: str) -> str:
    """Return the plain value of a personal field, recording who asked and why."""
    if field not in REVEALABLE or not hasattr(obj, field):
        raise ValueError(f"{field} is not a personal field of {obj._meta.label}")
    require_visible(actor, obj)
    require(actor, "reveal_personal")
    reason = require_reason(reason)
    value = personal.decrypt(getattr(obj, field))
    audit.record(
        actor=actor, action=Action.PERSONAL_REVEALED, obj=obj, reason=reason, data={"field": field}
    )
    return value
