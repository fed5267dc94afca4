"""Places: the administrative tree from province down to villager group."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.scoping import scope_for
from grassroots.core.services import require, require_reach
from grassroots.grid.models import Place

CHILD_KINDS = {
    Place.Kind.PROVINCE: {Place.Kind.CITY},
    Place.Kind.CITY: {Place.Kind.COUNTY},
    Place.Kind.COUNTY: {Place.Kind.TOWN, Place.Kind.SUBDISTRICT},
    Place.Kind.TOWN: {Place.Kind.VILLAGE, Place.Kind.COMMUNITY},
    Place.Kind.SUBDISTRICT: {Place.Kind.VILLAGE, Place.Kind.COMMUNITY},
    Place.Kind.VILLAGE: {Place.Kind.GROUP},
    Place.Kind.COMMUNITY: {Place.Kind.GROUP},
    Place.Kind.GROUP: set(),
}


def town_of(place: Place) -> Place:
    path = place.town_path()
    if not path:
        raise ValidationError(_("%(place)s is not inside a town") % {"place": place.name})
    return place if place.path == path else Place.objects.get(path=path)


def _check_child(parent: Place, kind: str, code: str | None) -> None:
    if kind not in CHILD_KINDS[parent.kind]:
        allowed = ", ".join(sorted(str(Place.Kind(k).label) for k in CHILD_KINDS[parent.kind]))
        raise ValidationError(
            _("A %(child)s cannot be placed under a %(parent)s; allowed: %(allowed)s")
            % {
                "child": Place.Kind(kind).label,
                "parent": parent.get_kind_display(),
                "allowed": allowed or "—",
            }
        )
    if code and not re.fullmatch(r"\d{12}", code):
        raise ValidationError(_("A division code has 12 digits."))


@transaction.atomic
def place_create(
    *,
    actor: Actor,
    parent: Place | None,
    kind: str,
    name: str,
    code: str | None = None,
    is_demo: bool = False,
) -> Place:
    if parent is None:
        if not scope_for(actor).everything:
            raise ValidationError(_("Only a superuser can create a top-level place."))
        place = Place.objects.add_root(
            {"kind": kind, "name": name, "code": code or None, "is_demo": is_demo}
        )
    else:
        require(actor, Cap.EDIT_GRID)
        require_reach(actor, parent)
        _check_child(parent, kind, code)
        place = Place.objects.add_child(
            parent, {"kind": kind, "name": name, "code": code or None, "is_demo": is_demo}
        )
    audit.record(
        actor=actor,
        action=Action.GRID_PLACE_CREATED,
        obj=place,
        data={"name": name, "kind": kind},
    )
    return place
