"""Bulk import of validated rows: households, their residents and representatives.

Rows go in set-based through `core.rows.BulkRows` (COPY on PostgreSQL,
executemany on SQLite) with primary keys reserved up front, so links, residents
and tags point at households without reading them back; ORM model instances
cost 60% of the import before. Personal values are sealed by `personal.Sealer`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit, clock, personal
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.events import Event, emit
from grassroots.core.roles import Cap
from grassroots.core.rows import BulkRows, checked_references
from grassroots.core.scoping import Scope, scope_for
from grassroots.core.services import require
from grassroots.grid.models import (
    Household,
    Place,
    Representative,
    RepresentativeLink,
    Resident,
    Tag,
)
from grassroots.grid.services.tags import ensure_tags

SEALED_PHONE = ("phone", "phone_hash", "phone_masked")
SEALED_ID = ("id_number", "id_number_hash", "id_number_masked")


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


class _Added(NamedTuple):
    """What the figures hook reads of a written row (no model instances needed)."""

    place_path: str
    representative_id: int | None = None
    representative: None = None


# A representative is known by (village path, name, phone lookup hash).
RepKey = tuple[str, str, str]


def _check_rows(scope: Scope, town: Place, rows: Sequence[HouseholdRow]) -> None:
    """Re-check what callers validated: every row inside the area, no number twice."""
    groups = {r.group.path for r in rows}
    outside_paths = {path for path in groups if not scope.covers_place_path(path)}
    if outside_paths:
        outside = [r.code for r in rows if r.group.path in outside_paths]
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


@dataclass
class _Representatives:
    """Each row's representative id (or None), and the new ones to write (ids reserved)."""

    ids: list[int | None]
    new: list[tuple[Any, ...]]
    reused: set[int]
    villages: set[int]
    table: BulkRows


def _representatives(
    town: Place, rows: Sequence[HouseholdRow], seal: personal.Sealer, is_demo: bool
) -> _Representatives:
    """Reuse one with the same name and phone in the village, else a new one (not yet written)."""
    step = Place.steplen
    village_paths = {r.group.path[:-step] for r in rows}
    villages = {p.path: p for p in Place.objects.filter(path__in=village_paths)}
    reps: dict[RepKey, int] = {
        (path, name, phone_hash): pk
        for pk, path, name, phone_hash in Representative.objects.filter(
            place_path__in=village_paths, active=True
        ).values_list("pk", "place_path", "name", "phone_hash")
    }
    named = [r for r in rows if r.rep_name]
    phones = list(dict.fromkeys(r.rep_phone for r in named))
    sealed_phones = dict(zip(phones, seal.many("phone", phones), strict=True))
    new: dict[RepKey, tuple[Any, ...]] = {}
    keys: list[RepKey | None] = []
    for r in rows:
        if not r.rep_name:
            keys.append(None)
            continue
        sealed = sealed_phones[r.rep_phone]
        key = (r.group.path[:-step], r.rep_name, sealed[1])
        keys.append(key)
        if key not in reps and key not in new:
            village = villages[key[0]]
            new[key] = (town.pk, village.pk, village.path, r.rep_name, *sealed)
    table = BulkRows(
        Representative,
        ["id", "town_id", "place_id", "place_path", "name", *SEALED_PHONE],
        {"is_demo": is_demo},
    )
    reused = {reps[k] for k in keys if k is not None and k in reps}
    ids = table.reserve_ids(len(new))
    reps.update(zip(new, ids, strict=True))
    return _Representatives(
        ids=[reps[k] if k is not None else None for k in keys],
        new=[(pk, *row) for pk, row in zip(ids, new.values(), strict=True)],
        reused=reused,
        villages={row[1] for row in new.values()},
        table=table,
    )


def _write_households(
    town: Place,
    rows: Sequence[HouseholdRow],
    rep_ids: list[int | None],
    seal: personal.Sealer,
    is_demo: bool,
) -> list[int]:
    columns = ["id", "town_id", "place_id", "place_path", "code", "head_name", *SEALED_PHONE]
    columns += ["address", "size", "representative_id"]
    table = BulkRows(Household, columns, {"is_demo": is_demo})
    ids = table.reserve_ids(len(rows))
    # Generators: each row is sealed while the server writes the rows before it.
    phones = seal.each("phone", [r.phone for r in rows])
    table.write(
        (pk, town.pk, r.group.pk, r.group.path, r.code, r.head_name, *phone)
        + (r.address, r.size, rep_id)
        for pk, r, rep_id, phone in zip(ids, rows, rep_ids, phones, strict=True)
    )
    links = [(pk, rep) for pk, rep in zip(ids, rep_ids, strict=True) if rep is not None]
    BulkRows(
        RepresentativeLink, ["household_id", "representative_id"], {"started_at": clock.now()}
    ).write(links)
    return ids


def _write_residents(
    town: Place,
    rows: Sequence[HouseholdRow],
    household_ids: list[int],
    tags: dict[str, Tag],
    seal: personal.Sealer,
    is_demo: bool,
) -> list[str]:
    """Residents and their tags; returns each resident's place path."""
    people = [
        (hid, r.group.path, p)
        for hid, r in zip(household_ids, rows, strict=True)
        for p in r.residents
    ]
    columns = ["id", "household_id", "town_id", "place_path", "name", "relation"]
    table = BulkRows(Resident, [*columns, *SEALED_ID, *SEALED_PHONE], {"is_demo": is_demo})
    ids = table.reserve_ids(len(people))
    id_numbers = seal.each("id_number", [p.id_number for _h, _path, p in people])
    phones = seal.each("phone", [p.phone for _h, _path, p in people])
    table.write(
        (pk, hid, town.pk, path, p.name, p.relation, *id_number, *phone)
        for pk, (hid, path, p), id_number, phone in zip(
            ids, people, id_numbers, phones, strict=True
        )
    )
    BulkRows(Resident.tags.through, ["resident_id", "tag_id"]).write(
        [(pk, tags[t].pk) for pk, (_h, _p, p) in zip(ids, people, strict=True) for t in p.tags]
    )
    BulkRows(Household.tags.through, ["household_id", "tag_id"]).write(
        [(hid, tags[t].pk) for hid, r in zip(household_ids, rows, strict=True) for t in r.tags]
    )
    return [path for _h, path, _p in people]


@transaction.atomic
def households_bulk_create(
    *,
    actor: Actor,
    town: Place,
    rows: Sequence[HouseholdRow],
    is_demo: bool = False,
    batch_size: int = 2000,
) -> ImportSummary:
    """Write validated rows in bulk: all of them or, on any error, none.

    Callers (the importer, the demo loader) validate first; this re-checks scope
    and uniqueness so a bad caller cannot write outside the actor's area.
    `batch_size` is kept for callers; COPY needs no batches.
    """
    require(actor, Cap.IMPORT)
    _check_rows(scope_for(actor), town, rows)
    seal = personal.Sealer()
    tags = ensure_tags(
        {t for r in rows for t in r.tags} | {t for r in rows for p in r.residents for t in p.tags}
    )
    reps = _representatives(town, rows, seal, is_demo)
    rep_ids, new_rep_paths = reps.ids, [row[3] for row in reps.new]
    # Every reference below is to a row checked and locked here or written here.
    parents = {
        Place: {town.pk} | {r.group.pk for r in rows} | reps.villages,
        Representative: reps.reused,
        Tag: {t.pk for t in tags.values()},
    }
    with checked_references(parents):
        reps.table.write(reps.new)
        household_ids = _write_households(town, rows, rep_ids, seal, is_demo)
        resident_paths = _write_residents(town, rows, household_ids, tags, seal, is_demo)
    summary = ImportSummary(
        households=len(household_ids),
        residents=len(resident_paths),
        representatives_created=len(new_rep_paths),
        links=sum(1 for rep in rep_ids if rep is not None),
    )
    emit(
        Event.HOUSEHOLDS_ADDED,
        households=[_Added(r.group.path, rep) for r, rep in zip(rows, rep_ids, strict=True)],
        residents=[_Added(path) for path in resident_paths],
        representatives=[_Added(path) for path in new_rep_paths],
    )
    audit.record(
        actor=actor,
        action=Action.GRID_HOUSEHOLDS_IMPORTED,
        obj=town,
        data={
            "households": summary.households,
            "residents": summary.residents,
            "representatives_created": summary.representatives_created,
        },
    )
    return summary
