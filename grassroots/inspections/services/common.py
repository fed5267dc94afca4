"""Checks the inspections services share: capabilities, branches, scores."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from grassroots.core.actors import Actor
from grassroots.core.scoping import scope_for
from grassroots.core.services import require_reach
from grassroots.party.models import Organization

ONE_PLACE = Decimal("0.1")


def require_any(actor: Actor, *capabilities: str) -> None:
    scope = scope_for(actor)
    if not any(scope.can(c) for c in capabilities):
        raise PermissionDenied(_("You do not have permission to do this."))


def committee_of(org: Organization) -> Organization:
    """The town committee at the top of an organisation's tree."""
    if org.depth == 1:
        return org
    return Organization.objects.get(path=org.path[: Organization.steplen])


def require_branch(actor: Actor, org: Organization, field: str = "organization") -> None:
    """The organisation is a branch the actor reaches: refused otherwise.

    Pages and the API never get this far with an unreachable branch (their lookups
    answer 404, like a missing id); a service called directly is refused outright.
    """
    if not org.reached_by(scope_for(actor)):
        raise PermissionDenied(_("This branch is outside your reach."))
    if org.kind != Organization.Kind.BRANCH:
        raise ValidationError({field: _("Choose a branch.")})


def require_committee(actor: Actor, org: Organization, field: str = "committee") -> None:
    require_reach(actor, org)
    if org.kind != Organization.Kind.COMMITTEE:
        raise ValidationError({field: _("Choose the town Party committee.")})


def parse_score(value: Any, weight: int, *, field: str, title: str) -> Decimal:
    """A score between 0 and the indicator's weight, with at most one decimal place."""
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        score = Decimal("NaN")
    if not score.is_finite():
        raise ValidationError({field: _("%(title)s: enter a number.") % {"title": title}})
    if score < 0 or score > weight:
        raise ValidationError(
            {
                field: _("%(title)s: the score must be between 0 and %(weight)s (got %(score)s).")
                % {"title": title, "weight": weight, "score": score}
            }
        )
    if score != score.quantize(ONE_PLACE):
        raise ValidationError(
            {field: _("%(title)s: at most one decimal place.") % {"title": title}}
        )
    return score.quantize(ONE_PLACE)
