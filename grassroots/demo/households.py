"""The demo town's grid: places, representatives, households with their residents.

Places and representatives are a few hundred rows and go through the grid
services, audited like real data; households, residents and links go in
through `households_bulk_create` (set-based, `core.rows.BulkRows`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from grassroots.accounts.models import User
from grassroots.demo.names import NameGen
from grassroots.demo.spec import (
    ANCESTORS,
    HOUSEHOLDS,
    REPRESENTATIVES,
    TOWN_CODE,
    TOWN_NAME,
    VILLAGES,
    TagSpec,
    VillageSpec,
    cn_number,
    first_gets,
    partition,
    split_evenly,
    village_code,
)
from grassroots.grid import services as grid
from grassroots.grid.models import Place, Representative, Tag


def ensure_tags(specs: Sequence[TagSpec]) -> dict[str, Tag]:
    tags: dict[str, Tag] = {}
    for spec in specs:
        tag, _created = Tag.objects.get_or_create(
            name=spec.name, defaults={"sensitive": spec.sensitive, "name_en": spec.name_en}
        )
        if spec.name_en and not tag.name_en:
            tag.name_en = spec.name_en
            tag.save(update_fields=["name_en"])
        tags[spec.name] = tag
    return tags


def _ancestors(actor: User) -> Place:
    """湖南省 → 长沙市 → 长沙县, reusing nodes that already exist."""
    parent: Place | None = None
    for kind, name, code in ANCESTORS:
        siblings = Place.objects.get_children(parent) if parent else Place.objects.get_root_nodes()
        node = siblings.filter(kind=kind, name=name).first()
        if node is None:
            node = grid.place_create(
                actor=actor, parent=parent, kind=kind, name=name, code=_free(code), is_demo=True
            )
        parent = node
    assert parent is not None
    return parent


def _free(code: str) -> str | None:
    """`code`, unless a real place already holds it (division codes are unique)."""
    return None if Place.objects.filter(code=code).exists() else code


# --- residents -----------------------------------------------------------------


@dataclass
class _Person:
    relation: str
    gender: str
    birth: dt.date
    name: str


def _family(names: NameGen, size: int, today: dt.date) -> list[_Person]:
    rng = names.rng
    surname = names.surname()
    head_gender = "M" if rng.random() < 0.82 else "F"
    head_birth = names.birth_date(1942, 1992)
    people = [_Person("head", head_gender, head_birth, names.person(head_gender, surname))]
    latest = today - dt.timedelta(days=200)

    def add(relation: str, birth: dt.date, gender: str | None = None, same: bool = True) -> None:
        gender = gender or names.gender()
        people.append(
            _Person(relation, gender, birth, names.person(gender, surname if same else None))
        )

    def shifted(base: dt.date, years_from: int, years_to: int) -> dt.date:
        birth = base + dt.timedelta(days=365 * rng.randint(years_from, years_to))
        return min(birth + dt.timedelta(days=rng.randrange(300)), latest)

    if size >= 2 and rng.random() < 0.9:
        add(
            "spouse",
            shifted(head_birth, -4, 4),
            gender="F" if head_gender == "M" else "M",
            same=False,
        )
    if len(people) < size and head_birth.year >= 1960 and rng.random() < 0.35:
        add("parent", shifted(head_birth, -32, -22), same=rng.random() < 0.5)
    children: list[dt.date] = []
    while len(people) < size:
        child_birth = shifted(head_birth, 22, 34)
        old_enough = child_birth.year < today.year - 24
        if children and old_enough and shifted(children[0], 22, 30) < latest:
            add("grandchild", shifted(children[0], 22, 30))
        elif len(people) == 1 and size > 1 and rng.random() < 0.1:
            add("sibling", shifted(head_birth, -6, 6))
        else:
            children.append(child_birth)
            add("child", child_birth)
    return people


def _tags_for(
    rng: random.Random, family: list[_Person], specs: Sequence[TagSpec], today: dt.date
) -> list[str]:
    head = family[0]
    elderly = head.birth.year <= today.year - 70 and len(family) <= 2
    child = any(
        p.relation in ("child", "grandchild") and p.birth.year > today.year - 16 for p in family
    )
    eligible = {"": True, "elderly": elderly, "child": child}
    return [s.name for s in specs if eligible.get(s.rule, False) and rng.random() < s.share]


# --- the town ----------------------------------------------------------------------


@dataclass
class DemoGrid:
    """What the rest of the loader needs of the grid it built."""

    town: Place
    villages: list[Place] = field(default_factory=list)
    rows: list[grid.HouseholdRow] = field(default_factory=list)
    special_codes: list[str] = field(default_factory=list)  # rep.0001's households
    representatives: int = 0


@dataclass
class _Context:
    actor: User
    rng: random.Random
    names: NameGen
    today: dt.date
    tags: Sequence[TagSpec]


def build_grid(
    *,
    actor: User,
    rng: random.Random,
    names: NameGen,
    today: dt.date,
    households: int,
    tags: Sequence[TagSpec],
    rep_users: Sequence[User | None],
) -> DemoGrid:
    """The town, its villages and groups, representatives, and every household row."""
    county = _ancestors(actor)
    town = grid.place_create(
        actor=actor,
        parent=county,
        kind=Place.Kind.TOWN,
        name=TOWN_NAME,
        code=_free(TOWN_CODE),
        is_demo=True,
    )
    counts = household_counts(households)
    rep_counts = representative_counts(households)
    built = DemoGrid(town=town, representatives=sum(rep_counts))
    ctx = _Context(actor, rng, names, today, tags)
    first = 0
    for vi, (spec, n_households, n_reps) in enumerate(
        zip(VILLAGES, counts, rep_counts, strict=True)
    ):
        users = list(rep_users[first : first + n_reps])
        _village(ctx, built, vi, spec, n_households, n_reps, users)
        first += n_reps
    return built


def household_counts(households: int) -> list[int]:
    """Households per village (in VILLAGES order)."""
    return split_evenly(households, [v.weight for v in VILLAGES])


def representative_counts(households: int) -> list[int]:
    """Representatives per village (in VILLAGES order): 605 for the full town."""
    rep_total = max(len(VILLAGES), round(households * REPRESENTATIVES / HOUSEHOLDS))
    return [max(1, c) for c in split_evenly(rep_total, household_counts(households))]


def _groups(actor: User, village: Place, spec: VillageSpec) -> list[Place]:
    return [
        grid.place_create(
            actor=actor,
            parent=village,
            kind=Place.Kind.GROUP,
            name=(
                f"第{cn_number(g + 1)}居民小组"
                if spec.kind == Place.Kind.COMMUNITY
                else f"{cn_number(g + 1)}组"
            ),
            is_demo=True,
        )
        for g in range(spec.groups)
    ]


def _representatives(
    ctx: _Context, village: Place, n_reps: int, users: list[User | None]
) -> tuple[list[Representative], dict[int, str]]:
    """The village's representatives (each logs in as their user in `users`) and their phones."""
    reps: list[Representative] = []
    phones: dict[int, str] = {}
    for ri in range(n_reps):
        gender = "M" if ctx.rng.random() < 0.6 else "F"
        phone = ctx.names.phone()
        rep = grid.representative_create(
            actor=ctx.actor,
            village=village,
            name=ctx.names.person(gender),
            phone=phone,
            user=users[ri] if ri < len(users) else None,
            is_demo=True,
        )
        phones[rep.pk] = phone
        reps.append(rep)
    return reps, phones


def _village(  # noqa: PLR0913 - the village's place in the town
    ctx: _Context,
    built: DemoGrid,
    vi: int,
    spec: VillageSpec,
    n_households: int,
    n_reps: int,
    rep_users: list[User | None],
) -> None:
    rng = ctx.rng
    village = grid.place_create(
        actor=ctx.actor,
        parent=built.town,
        kind=spec.kind,
        name=spec.name,
        code=_free(village_code(vi)),
        is_demo=True,
    )
    built.villages.append(village)
    groups = _groups(ctx.actor, village, spec)
    sizes = partition(rng, n_households, n_reps)
    if vi == 0:
        sizes = first_gets(sizes, 11)
    reps, rep_phones = _representatives(ctx, village, n_reps, rep_users)
    rep_of = [rep for rep, size in zip(reps, sizes, strict=True) for _ in range(size)]
    group_sizes = split_evenly(n_households, [rng.uniform(0.7, 1.3) for _ in groups])
    number = 0
    for gi, (group, group_size) in enumerate(zip(groups, group_sizes, strict=True)):
        for k in range(group_size):
            rep = rep_of[number]
            number += 1
            code = f"{vi + 1:02d}{gi + 1:02d}{k + 1:03d}"
            row = _household(ctx, group, code, f"{spec.name}{group.name}{k + 1}号")
            row.rep_name, row.rep_phone = rep.name, rep_phones[rep.pk]
            built.rows.append(row)
            if vi == 0 and rep is reps[0]:
                built.special_codes.append(code)


def _household(ctx: _Context, group: Place, code: str, address: str) -> grid.HouseholdRow:
    rng, names, today = ctx.rng, ctx.names, ctx.today
    size = rng.choices((2, 3, 4, 5), weights=(28, 30, 25, 17))[0]
    family = _family(names, size, today)
    residents = []
    for p in family:
        has_id = rng.random() < 0.7
        adult = p.birth.year <= today.year - 18
        residents.append(
            grid.ResidentRow(
                name=p.name,
                relation=p.relation,
                id_number=names.id_number(p.birth, p.gender) if has_id else "",
                phone=names.phone() if adult and rng.random() < 0.4 else "",
            )
        )
    phone = names.phone() if rng.random() < 0.9 else ""
    if phone:
        residents[0].phone = phone
    return grid.HouseholdRow(
        group=group,
        code=code,
        head_name=family[0].name,
        phone=phone,
        address=address,
        size=len(residents),
        tags=_tags_for(rng, family, ctx.tags, today),
        residents=residents,
    )
