"""Representatives (网格员) and which households each one serves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit, clock, personal
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.scoping import scope_for
from grassroots.core.services import require, require_visible
from grassroots.grid.models import Household, Place, Representative, RepresentativeLink
from grassroots.grid.services.places import town_of


@transaction.atomic
def representative_create(
    *,
    actor: Actor,
    village: Place,
    name: str,
    phone: str = "",
    user: Any = None,
    is_demo: bool = False,
) -> Representative:
    require(actor, Cap.EDIT_GRID)
    if village.kind not in (Place.Kind.VILLAGE, Place.Kind.COMMUNITY):
        raise ValidationError(_("A representative belongs to a village or community."))
    if not scope_for(actor).covers_place_path(village.path):
        raise ValidationError(_("%(place)s is outside your area") % {"place": village.name})
    rep = Representative(
        town=town_of(village),
        place=village,
        place_path=village.path,
        name=name,
        user=user,
        is_demo=is_demo,
    )
    personal.assign(rep, "phone", "phone", personal.clean_phone(phone))
    rep.save()
    audit.record(actor=actor, action=Action.GRID_REPRESENTATIVE_CREATED, obj=rep)
    return rep


@transaction.atomic
def link_representative(
    *,
    actor: Actor,
    household: Household,
    representative: Representative,
    at: dt.datetime | None = None,
) -> RepresentativeLink:
    """Make `representative` the household's one active representative, keeping history."""
    require(actor, Cap.EDIT_GRID)
    require_visible(actor, household)
    if not household.place_path.startswith(representative.place_path):
        raise ValidationError(_("The representative serves another village."))
    at = at or clock.now()
    # Lock the household so two concurrent re-links cannot both leave a link open.
    Household.objects.select_for_update().filter(pk=household.pk).first()
    RepresentativeLink.objects.filter(household=household, ended_at__isnull=True).update(
        ended_at=at
    )
    link = RepresentativeLink.objects.create(
        household=household, representative=representative, started_at=at
    )
    Household.objects.filter(pk=household.pk).update(representative=representative)
    household.representative = representative
    audit.record(
        actor=actor,
        action=Action.GRID_REPRESENTATIVE_LINKED,
        obj=household,
        data={"representative": representative.pk},
    )
    return link
