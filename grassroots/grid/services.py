"""Every change to the grid: places, households, residents, representatives, visits."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from stdnum.cn import ric

from grassroots.accounts.roles import Cap
from grassroots.analytics import services as analytics_services
from grassroots.core import audit, clock, personal
from grassroots.core.scoping import scope_for
from grassroots.core.services import require, require_reach, require_visible
from grassroots.grid.models import (
    Household,
    Place,
    Representative,
    RepresentativeLink,
    Resident,
    Tag,
    Visit,
    town_path_of,
)

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}\d{7,8})$")


def clean_phone(value: str) -> str:
    """Normalise a mobile or landline number; '' stays ''. Raises ValidationError."""
    value = personal.normalize(value).replace("+86", "", 1) if value else ""
    if value and not PHONE_RE.match(value):
        raise ValidationError(_("%(value)s is not a valid phone number") % {"value": value})
    return value


def clean_id_number(value: str) -> str:
    value = personal.normalize(value) if value else ""
    if value and not ric.is_valid(value):
        raise ValidationError(
            _("%(value)s is not a valid resident ID number")
            % {"value": personal.mask_id_number(value)}
        )
    return value


def town_of(place: Place) -> Place:
    path = place.town_path()
    if not path:
        raise ValidationError(_("%(place)s is not inside a town") % {"place": place.name})
    return place if place.path == path else Place.objects.get(path=path)


# --- places -----------------------------------------------------------------

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


@transaction.atomic
def place_create(
    *,
    actor: Any,
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
        place = Place.objects.add_child(
            parent, {"kind": kind, "name": name, "code": code or None, "is_demo": is_demo}
        )
    audit.record(
        actor=actor, action="grid.place_created", obj=place, data={"name": name, "kind": kind}
    )
    return place


# --- households and residents --------------------------------------------------


def _check_group(actor: Any, group: Place) -> None:
    if group.kind != Place.Kind.GROUP:
        raise ValidationError(_("A household belongs to a villager group."))
    if not scope_for(actor).covers_place_path(group.path):
        raise ValidationError(_("%(place)s is outside your area") % {"place": group.name})


@transaction.atomic
def household_create(
    *,
    actor: Any,
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
    personal.assign(household, "phone", "phone", clean_phone(phone))
    household.save()
    household.tags.set(tags)
    audit.record(actor=actor, action="grid.household_created", obj=household, data={"code": code})
    if representative is not None:
        link_representative(actor=actor, household=household, representative=representative)
    analytics_services.household_added(household)
    return household


@transaction.atomic
def household_update(
    *,
    actor: Any,
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
        personal.assign(household, "phone", "phone", clean_phone(phone))
        changed.append("phone")
    household.save()
    if tags is not None:
        household.tags.set(tags)
        changed.append("tags")
    audit.record(
        actor=actor, action="grid.household_updated", obj=household, data={"fields": changed}
    )
    return household


@transaction.atomic
def resident_create(
    *,
    actor: Any,
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
    personal.assign(resident, "id_number", "id_number", clean_id_number(id_number))
    personal.assign(resident, "phone", "phone", clean_phone(phone))
    resident.save()
    resident.tags.set(tags)
    audit.record(actor=actor, action="grid.resident_created", obj=resident)
    return resident


# --- representatives ---------------------------------------------------------


@transaction.atomic
def representative_create(
    *,
    actor: Any,
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
    personal.assign(rep, "phone", "phone", clean_phone(phone))
    rep.save()
    audit.record(actor=actor, action="grid.representative_created", obj=rep)
    return rep


@transaction.atomic
def link_representative(
    *,
    actor: Any,
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
        action="grid.representative_linked",
        obj=household,
        data={"representative": representative.pk},
    )
    return link


# --- visits ------------------------------------------------------------------


@transaction.atomic
def visit_log(
    *,
    actor: Any,
    household: Household,
    mode: str = Visit.Mode.DOOR,
    notes: str = "",
    visited_at: dt.datetime | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    accuracy_m: int | None = None,
    device_time: dt.datetime | None = None,
    representative: Representative | None = None,
) -> Visit:
    """Record a representative's visit and move the household's last_visit_at forward."""
    require(actor, Cap.LOG_VISIT)
    require_visible(actor, household)
    if representative is None:
        representative = getattr(actor, "representative", None) or household.representative
    if representative is None:
        raise ValidationError(_("This household has no representative to log a visit for."))
    if mode not in Visit.Mode.values:
        raise ValidationError(_("Unknown visit mode %(mode)s") % {"mode": mode})
    now = clock.now()
    visited_at = visited_at or now
    if visited_at > now + dt.timedelta(minutes=5):
        raise ValidationError(_("A visit cannot be in the future."))
    visit = Visit.objects.create(
        representative=representative,
        household=household,
        town_id=household.town_id,
        place_path=household.place_path,
        visited_at=visited_at,
        mode=mode,
        notes=notes,
        latitude=latitude,
        longitude=longitude,
        accuracy_m=accuracy_m,
        device_time=device_time,
        server_time=now,
    )
    analytics_services.visit_logged(household=household, visited_at=visited_at)
    # A conditional UPDATE keeps the newest date even when an older visit is logged
    # late or two visits race: no read-modify-write.
    Household.objects.filter(pk=household.pk).filter(
        Q(last_visit_at__isnull=True) | Q(last_visit_at__lt=visited_at)
    ).update(last_visit_at=visited_at)
    household.refresh_from_db(fields=["last_visit_at"])
    audit.record(
        actor=actor,
        action="grid.visit_logged",
        obj=visit,
        data={"household": household.pk, "mode": mode},
    )
    return visit


# --- bulk import (households + residents + representative links) -------------


@dataclass
class ResidentRow:
    name: str
    relation: str = Resident.Relation.OTHER
    id_number: str = ""
    phone: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass
class HouseholdRow:
    group: Place
    code: str
    head_name: str
    phone: str = ""
    address: str = ""
    size: int = 1
    tags: list[str] = field(default_factory=list)
    rep_name: str = ""
    rep_phone: str = ""
    residents: list[ResidentRow] = field(default_factory=list)


@dataclass
class ImportSummary:
    households: int = 0
    residents: int = 0
    representatives_created: int = 0
    links: int = 0


@transaction.atomic
def households_bulk_create(
    *,
    actor: Any,
    town: Place,
    rows: Sequence[HouseholdRow],
    is_demo: bool = False,
    batch_size: int = 2000,
) -> ImportSummary:
    """Write validated rows in bulk: all of them or, on any error, none.

    Callers (the importer, the demo loader) validate first; this re-checks scope
    and uniqueness so a bad caller cannot write outside the actor's area.
    """
    require(actor, Cap.IMPORT)
    scope = scope_for(actor)
    outside = [r.code for r in rows if not scope.covers_place_path(r.group.path)]
    if outside:
        raise ValidationError(
            _("Households outside your area: %(codes)s") % {"codes": ", ".join(outside[:20])}
        )
    codes = [r.code for r in rows]
    existing = set(
        Household.objects.filter(town=town, code__in=codes).values_list("code", flat=True)
    )
    if existing or len(set(codes)) != len(codes):
        raise ValidationError(
            _("Duplicate household numbers: %(codes)s")
            % {"codes": ", ".join(sorted(existing)[:20])}
        )

    now = clock.now()
    summary = ImportSummary()
    tag_names = {t for r in rows for t in r.tags} | {
        t for r in rows for p in r.residents for t in p.tags
    }
    tags = _ensure_tags(tag_names)

    # Representatives: reuse one with the same name and phone in the village, else create.
    village_paths = {r.group.path[: -Place.steplen] for r in rows}
    villages = {p.path: p for p in Place.objects.filter(path__in=village_paths)}
    reps: dict[tuple[str, str, str], Representative] = {}
    for rep in Representative.objects.filter(place_path__in=village_paths, active=True):
        reps[(rep.place_path, rep.name, rep.phone_hash)] = rep
    new_reps: list[Representative] = []
    for r in rows:
        if not r.rep_name:
            continue
        key = (r.group.path[: -Place.steplen], r.rep_name, personal.lookup_hash(r.rep_phone))
        if key not in reps:
            village = villages[key[0]]
            rep = Representative(
                town=town, place=village, place_path=village.path, name=r.rep_name, is_demo=is_demo
            )
            personal.assign(rep, "phone", "phone", r.rep_phone)
            reps[key] = rep
            new_reps.append(rep)
    Representative.objects.bulk_create(new_reps, batch_size=batch_size)
    if new_reps and new_reps[0].pk is None:  # backends without RETURNING
        for rep in Representative.objects.filter(place_path__in=village_paths):
            reps[(rep.place_path, rep.name, rep.phone_hash)] = rep
    summary.representatives_created = len(new_reps)

    households: list[Household] = []
    for r in rows:
        h = Household(
            town=town,
            place=r.group,
            place_path=r.group.path,
            code=r.code,
            head_name=r.head_name,
            address=r.address,
            size=r.size,
            is_demo=is_demo,
        )
        personal.assign(h, "phone", "phone", r.phone)
        if r.rep_name:
            h.representative = reps[
                (r.group.path[: -Place.steplen], r.rep_name, personal.lookup_hash(r.rep_phone))
            ]
        households.append(h)
    Household.objects.bulk_create(households, batch_size=batch_size)
    if households and households[0].pk is None:
        by_code = dict(
            Household.objects.filter(town=town, code__in=codes).values_list("code", "pk")
        )
        for h in households:
            h.pk = by_code[h.code]
    summary.households = len(households)

    links = [
        RepresentativeLink(household=h, representative=h.representative, started_at=now)
        for h in households
        if h.representative is not None
    ]
    RepresentativeLink.objects.bulk_create(links, batch_size=batch_size)
    summary.links = len(links)

    residents: list[Resident] = []
    resident_tags: list[tuple[int, list[str]]] = []
    for h, r in zip(households, rows, strict=True):
        for p in r.residents:
            res = Resident(
                household=h,
                town=town,
                place_path=h.place_path,
                name=p.name,
                relation=p.relation,
                is_demo=is_demo,
            )
            personal.assign(res, "id_number", "id_number", p.id_number)
            personal.assign(res, "phone", "phone", p.phone)
            residents.append(res)
            resident_tags.append((len(residents) - 1, p.tags))
    Resident.objects.bulk_create(residents, batch_size=batch_size)
    summary.residents = len(residents)

    HouseholdTags = Household.tags.through
    ht = [
        HouseholdTags(household_id=h.pk, tag_id=tags[t].pk)
        for h, r in zip(households, rows, strict=True)
        for t in r.tags
    ]
    HouseholdTags.objects.bulk_create(ht, batch_size=batch_size)
    if any(t for _, t in resident_tags):
        if residents and residents[0].pk is None:
            raise ValidationError("resident tags need a backend that returns primary keys")
        ResidentTags = Resident.tags.through
        rt = [
            ResidentTags(resident_id=residents[i].pk, tag_id=tags[t].pk)
            for i, names in resident_tags
            for t in names
        ]
        ResidentTags.objects.bulk_create(rt, batch_size=batch_size)

    analytics_services.households_added(
        households=households, residents=residents, representatives=new_reps
    )
    audit.record(
        actor=actor,
        action="grid.households_imported",
        obj=town,
        data={
            "households": summary.households,
            "residents": summary.residents,
            "representatives_created": summary.representatives_created,
        },
    )
    return summary


def _ensure_tags(names: Iterable[str]) -> dict[str, Tag]:
    names = {n for n in names if n}
    found = {t.name: t for t in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=n) for n in sorted(names - set(found))]
    if missing:
        Tag.objects.bulk_create(missing)
        found.update({t.name: t for t in Tag.objects.filter(name__in=[t.name for t in missing])})
    return found


__all__ = ["town_path_of"]
