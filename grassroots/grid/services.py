"""Every change to the grid: places, households, residents, representatives, visits."""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from stdnum.cn import ric

from grassroots.core import audit, clock, personal
from grassroots.core.events import Event, emit
from grassroots.core.roles import Cap
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
    emit(Event.HOUSEHOLD_ADDED, household=household)
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
    emit(Event.VISIT_LOGGED, household=household, visited_at=visited_at)
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


class _Sealer:
    """`personal.seal` for many values: one AES-GCM object and HMAC key, one normalisation.

    Importers hand over values that clean_phone/clean_id_number already
    normalised; plain ASCII digits and letters skip NFKC and the regex (they
    cannot change), anything else goes through `personal.normalize` as before.
    """

    def __init__(self) -> None:
        # core.personal's cached key pair, fetched once per import instead of once
        # per value (personal.seal also normalises the value three times).
        self.aead, self.lookup_key = personal._keys(settings.FIELD_KEY)

    def __call__(self, kind: str, value: str) -> tuple[str, str, str]:
        """(ciphertext, lookup hash, mask), exactly as `personal.seal` computes them."""
        if not value:
            return "", "", ""
        clean = value.upper() if value.isascii() and value.isalnum() else personal.normalize(value)
        if not clean:
            return "", "", ""
        raw = clean.encode()
        nonce = os.urandom(12)
        cipher = (
            personal.PREFIX + base64.b64encode(nonce + self.aead.encrypt(nonce, raw, None)).decode()
        )
        digest = hmac.digest(self.lookup_key, raw, "sha256").hex()[:40]
        return cipher, digest, _mask(kind, clean)


def _mask(kind: str, clean: str) -> str:
    """personal.mask_phone / mask_id_number for a value already normalised (no second NFKC)."""
    keep_head, keep_tail = (3, 4) if kind == "phone" else (6, 4)
    if len(clean) >= keep_head + keep_tail:
        return clean[:keep_head] + "*" * (len(clean) - keep_head - keep_tail) + clean[-keep_tail:]
    return "*" * len(clean)


class _Rows:
    """Set-based writer of one table inside the current transaction.

    PostgreSQL: COPY (psycopg 3); other backends: executemany of plain tuples.
    Rows give `columns` in order (the primary key first when `with_ids`); every
    other field takes `constants` or its default, converted for the database once.
    """

    def __init__(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        constants: dict[str, Any] | None = None,
        *,
        with_ids: bool = True,
    ) -> None:
        meta = model._meta
        fields = {f.attname: f for f in meta.concrete_fields}
        self.model = model
        self.columns = [meta.pk.attname, *columns] if with_ids else list(columns)
        constants = constants or {}
        now = clock.now()
        rest = [
            f for f in meta.concrete_fields if f.attname not in self.columns and not f.primary_key
        ]
        tail = []
        for f in rest:
            if f.attname in constants:
                value = constants[f.attname]
            elif getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                value = now
            else:
                value = f.get_default()
            tail.append(f.get_db_prep_save(value, connection))
        self.tail = tuple(tail)
        quote = connection.ops.quote_name
        self.table = quote(meta.db_table)
        self.names = ", ".join(quote(fields[c].column) for c in self.columns) + "".join(
            ", " + quote(f.column) for f in rest
        )
        self.width = len(self.columns) + len(rest)

    def reserve_ids(self, n: int) -> list[int]:
        """n fresh primary keys, taken before writing so other rows can point at them."""
        if n <= 0:
            return []
        meta = self.model._meta
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # nextval in one statement: safe beside concurrent writers, no read-back.
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, n],
                )
                return [row[0] for row in cursor.fetchall()]
            # SQLite: one writer at a time; a writer that committed since this read
            # makes our first write fail (busy snapshot), so ids never collide.
            # AUTOINCREMENT never reuses an id: start past max(id) and sqlite_sequence.
            cursor.execute(
                f"SELECT MAX(x) FROM (SELECT MAX({_quote_pk(meta)}) AS x FROM {self.table} "  # noqa: S608
                "UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)",
                [meta.db_table],
            )
            start = (cursor.fetchone()[0] or 0) + 1
        return list(range(start, start + n))

    def write(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        tail = self.tail
        with connection.cursor() as cursor, connection.wrap_database_errors:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({self.names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + tail)
                return
            placeholders = ", ".join(["%s"] * self.width)
            sql = f"INSERT INTO {self.table} ({self.names}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, [row + tail for row in rows])


def _quote_pk(meta: Any) -> str:
    return connection.ops.quote_name(meta.pk.column)


class _Added(NamedTuple):
    """What the figures hook reads of a written row (no model instances needed)."""

    place_path: str
    representative_id: int | None = None
    representative: None = None


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

    Rows go in set-based (COPY on PostgreSQL, executemany on SQLite) with
    primary keys reserved up front, so links, residents and tags point at
    households without reading them back; ORM model instances cost 60% of the
    import before. `batch_size` is kept for callers; COPY needs no batches.
    """
    require(actor, Cap.IMPORT)
    scope = scope_for(actor)
    outside = [r.code for r in rows if not scope.covers_place_path(r.group.path)]
    if outside:
        raise ValidationError(
            _("Households outside your area: %(codes)s") % {"codes": ", ".join(outside[:20])}
        )
    codes = [r.code for r in rows]
    # The town's codes (thousands at most) rather than an IN list of every new code,
    # which SQLite caps at 32,766 parameters.
    existing = set(Household.objects.filter(town=town).values_list("code", flat=True)).intersection(
        codes
    )
    if existing or len(set(codes)) != len(codes):
        raise ValidationError(
            _("Duplicate household numbers: %(codes)s")
            % {"codes": ", ".join(sorted(existing)[:20])}
        )

    now = clock.now()
    seal = _Sealer()
    summary = ImportSummary()
    tag_names = {t for r in rows for t in r.tags} | {
        t for r in rows for p in r.residents for t in p.tags
    }
    tags = _ensure_tags(tag_names)
    step = Place.steplen

    # Representatives: reuse one with the same name and phone in the village, else create.
    village_paths = {r.group.path[:-step] for r in rows}
    villages = {p.path: p for p in Place.objects.filter(path__in=village_paths)}
    reps: dict[tuple[str, str, str], int] = {
        (path, name, phone_hash): pk
        for pk, path, name, phone_hash in Representative.objects.filter(
            place_path__in=village_paths, active=True
        ).values_list("pk", "place_path", "name", "phone_hash")
    }
    rep_table = _Rows(
        Representative,
        ["town_id", "place_id", "place_path", "name", "phone", "phone_hash", "phone_masked"],
        {"is_demo": is_demo},
    )
    sealed_rep_phones: dict[str, tuple[str, str, str]] = {}
    new_reps: list[tuple[Any, ...]] = []
    rep_of_row: list[tuple[str, str, str] | None] = []
    for r in rows:
        if not r.rep_name:
            rep_of_row.append(None)
            continue
        sealed = sealed_rep_phones.get(r.rep_phone)
        if sealed is None:
            sealed = sealed_rep_phones[r.rep_phone] = seal("phone", r.rep_phone)
        key = (r.group.path[:-step], r.rep_name, sealed[1])
        rep_of_row.append(key)
        if key not in reps:
            village = villages[key[0]]
            reps[key] = 0  # id assigned below
            new_reps.append((key, village.pk, village.path, r.rep_name, *sealed))
    rep_ids = rep_table.reserve_ids(len(new_reps))
    rep_rows = []
    for pk, (key, village_pk, path, name, *sealed) in zip(rep_ids, new_reps, strict=True):
        reps[key] = pk
        rep_rows.append((pk, town.pk, village_pk, path, name, *sealed))
    rep_table.write(rep_rows)
    summary.representatives_created = len(rep_rows)

    household_table = _Rows(
        Household,
        [
            "town_id",
            "place_id",
            "place_path",
            "code",
            "head_name",
            "phone",
            "phone_hash",
            "phone_masked",
            "address",
            "size",
            "representative_id",
        ],
        {"is_demo": is_demo},
    )
    household_ids = household_table.reserve_ids(len(rows))
    household_rows = []
    added = []
    for pk, r, key in zip(household_ids, rows, rep_of_row, strict=True):
        rep_id = reps[key] if key is not None else None
        group = r.group
        household_rows.append(
            (
                pk,
                town.pk,
                group.pk,
                group.path,
                r.code,
                r.head_name,
                *seal("phone", r.phone),
                r.address,
                r.size,
                rep_id,
            )
        )
        added.append(_Added(group.path, rep_id))
    household_table.write(household_rows)
    summary.households = len(household_rows)

    link_rows = [(row[0], row[-1]) for row in household_rows if row[-1] is not None]
    _Rows(
        RepresentativeLink,
        ["household_id", "representative_id"],
        {"started_at": now},
        with_ids=False,
    ).write(link_rows)
    summary.links = len(link_rows)

    resident_table = _Rows(
        Resident,
        [
            "household_id",
            "town_id",
            "place_path",
            "name",
            "relation",
            "id_number",
            "id_number_hash",
            "id_number_masked",
            "phone",
            "phone_hash",
            "phone_masked",
        ],
        {"is_demo": is_demo},
    )
    people = [
        (hid, r.group.path, p)
        for hid, r in zip(household_ids, rows, strict=True)
        for p in r.residents
    ]
    resident_ids = resident_table.reserve_ids(len(people))
    resident_rows = []
    resident_tags = []
    added_residents = []
    for pk, (hid, path, p) in zip(resident_ids, people, strict=True):
        resident_rows.append(
            (
                pk,
                hid,
                town.pk,
                path,
                p.name,
                p.relation,
                *seal("id_number", p.id_number),
                *seal("phone", p.phone),
            )
        )
        resident_tags.extend((pk, tags[t].pk) for t in p.tags)
        added_residents.append(_Added(path))
    resident_table.write(resident_rows)
    summary.residents = len(resident_rows)

    household_tags = [
        (hid, tags[t].pk) for hid, r in zip(household_ids, rows, strict=True) for t in r.tags
    ]
    _Rows(Household.tags.through, ["household_id", "tag_id"], with_ids=False).write(household_tags)
    _Rows(Resident.tags.through, ["resident_id", "tag_id"], with_ids=False).write(resident_tags)

    emit(
        Event.HOUSEHOLDS_ADDED,
        households=added,
        residents=added_residents,
        representatives=[_Added(row[3]) for row in rep_rows],
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
