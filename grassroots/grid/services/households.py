"""Households and their residents, one at a time (imports go through `bulk`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit, personal
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.events import Event, emit
from grassroots.core.roles import Cap
from grassroots.core.scoping import scope_for
from grassroots.core.services import require, require_visible
from grassroots.grid.models import Household, Place, Representative, Resident, Tag
from grassroots.grid.services.places import town_of
from grassroots.grid.services.representatives import link_representative


def _check_group(actor: Actor, group: Place) -> None:
    if group.kind != Place.Kind.GROUP:
        raise ValidationError(_("A household belongs to a villager group."))
    if not scope_for(actor).covers_place_path(group.path):
        raise ValidationError(_("%(place)s is outside your area") % {"place": group.name})


@transaction.atomic
def household_create(
    *,
    actor: Actor,
    group: Place,
    code: str,
    head_name: str,
    phone: str = "",
    address: str = "",
    size: int = 1,
    tags: Iterable[Tag] = (),
    representative: Representative | None = None,
) -> Household:
    require(actor, Cap.EDIT_GRID)
    _check_group(actor, group)
    town = town_of(group)
    if Household.objects.filter(town=town, code=code).exists():
        raise ValidationError(_("Household number %(code)s already exists") % {"code": code})
    household = Household(
        town=town,
        place=group,
        place_path=group.path,
        code=code,
        head_name=head_name,
        address=address,
        size=size,
    )
    personal.assign(household, "phone", "phone", personal.clean_phone(phone))
    household.save()
    household.tags.set(tags)
    audit.record(
        actor=actor, action=Action.GRID_HOUSEHOLD_CREATED, obj=household, data={"code": code}
    )
    if representative is not None:
        link_representative(actor=actor, household=household, representative=representative)
    emit(Event.HOUSEHOLD_ADDED, household=household)
    return household


@transaction.atomic
def household_update(
    *,
    actor: Actor,
    household: Household,
    head_name: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    size: int | None = None,
    tags: Iterable[Tag] | None = None,
) -> Household:
    require(actor, Cap.EDIT_GRID)
    require_visible(actor, household)
    changed: list[str] = []
    for name, value in (("head_name", head_name), ("address", address), ("size", size)):
        if value is not None and getattr(household, name) != value:
            setattr(household, name, value)
            changed.append(name)
    if phone is not None:
        personal.assign(household, "phone", "phone", personal.clean_phone(phone))
        changed.append("phone")
    household.save()
    if tags is not None:
        household.tags.set(tags)
        changed.append("tags")
    audit.record(
        actor=actor,
        action=Action.GRID_HOUSEHOLD_UPDATED,
        obj=household,
        data={"fields": changed},
    )
    return household


@transaction.atomic
def resident_create(
    *,
    actor: Actor,
    household: Household,
    name: str,
    relation: str = Resident.Relation.OTHER,
    id_number: str = "",
    phone: str = "",
    tags: Iterable[Tag] = (),
) -> Resident:
    require(actor, Cap.EDIT_GRID)
    require_visible(actor, household)
    resident = Resident(
        household=household,
        town_id=household.town_id,
        place_path=household.place_path,
        name=name,
        relation=relation,
    )
    personal.assign(resident, "id_number", "id_number", personal.clean_id_number(id_number))
    personal.assign(resident, "phone", "phone", personal.clean_phone(phone))
    resident.save()
    resident.tags.set(tags)
    audit.record(actor=actor, action=Action.GRID_RESIDENT_CREATED, obj=resident)
    return resident
