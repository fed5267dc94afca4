"""Synthetic data at scale: province → cities → counties → towns → villages → groups.

Rows are written set-based: COPY (psycopg 3 `cursor.copy`) on PostgreSQL and
`executemany` in one transaction on SQLite, never one ORM save per row. Primary
keys are assigned here (max(id) + 1 onwards; the PostgreSQL identity is moved
past them afterwards) so that child rows can point at parents without reading
ids back, and treebeard's materialized paths (steplen 4, alphabet 0-9A-Z),
`depth` and `numchild` are computed here.

Personal data: AES-GCM sealing every synthetic phone and ID number would cost
minutes at county scale and tell us nothing new, so a small pool of genuinely
sealed values (`grassroots.core.personal.seal`) is reused across rows. Lookup
hashes therefore repeat in synthetic data; everything is marked `is_demo`.

Proportions (a town of 7,000 households as in the issue): 35 households per
villager group, 10 groups per village, 20 villages per town, 43 towns per
county (≈300,000 households), 8 counties per city; about 11 households per
representative; one Party branch per village plus a two-new and an institution
branch per town, 20 members per branch; visits over `months` months, each
household visited in a month with probability 0.6.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction

from grassroots.core import clock, personal
from grassroots.grid.models import (
    Household,
    Place,
    Representative,
    RepresentativeLink,
    Resident,
    Visit,
)
from grassroots.party.models import Member, Organization

HOUSEHOLDS_PER_GROUP = 35
GROUPS_PER_VILLAGE = 10
VILLAGES_PER_TOWN = 20
TOWNS_PER_COUNTY = 43
COUNTIES_PER_CITY = 8
HOUSEHOLDS_PER_REP = 11
MEMBERS_PER_BRANCH = 20
VISIT_PROBABILITY = 0.6
POOL_SIZE = 64

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEP = 4

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国文德福海燕云峰鑫"


def segment(n: int) -> str:
    """Treebeard's step for the n-th child (1-based): base 36, zero-padded to 4."""
    digits = ""
    while n:
        n, r = divmod(n, 36)
        digits = ALPHABET[r] + digits
    return digits.rjust(STEP, "0")


def root_name(households: int, seed: int) -> str:
    return f"合成省（{households}户·种子{seed}）"


@dataclass
class SynthSummary:
    root_path: str = ""
    places: int = 0
    towns: int = 0
    organizations: int = 0
    members: int = 0
    representatives: int = 0
    households: int = 0
    links: int = 0
    visits: int = 0
    residents: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


# --- writing rows --------------------------------------------------------------


class Table:
    """Bulk writer for one model: rows give `columns` in order; other fields take defaults."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        self.model = model
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__}: unknown columns {sorted(unknown)}")
        # Omitted primary keys come from the database's sequence.
        self.rest = [f for name, f in fields.items() if name not in columns and not f.primary_key]
        self.names = [fields[c].column for c in columns] + [f.column for f in self.rest]
        self.tail = tuple(f.get_default() for f in self.rest)
        self.count = 0
        self.postgres = connection.vendor == "postgresql"
        self.conv = [self._converter(fields[c]) for c in columns]

    def _converter(self, f: models.Field) -> Callable[[Any], Any] | None:
        if self.postgres:
            return None
        if isinstance(f, models.DateTimeField):
            return lambda v: None if v is None else connection.ops.adapt_datetimefield_value(v)
        if isinstance(f, models.DateField):
            return lambda v: None if v is None else v.isoformat()
        return None

    def write(self, rows: Iterable[tuple[Any, ...]]) -> None:
        table = connection.ops.quote_name(self.model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(n) for n in self.names)
        tail = self.tail
        with connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + tail)
                        self.count += 1
            else:
                conv = self.conv
                if any(conv):
                    rows = (
                        tuple(c(v) if c else v for c, v in zip(conv, row, strict=True))
                        for row in rows
                    )
                sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(self.names))})"  # noqa: S608
                batch: list[tuple[Any, ...]] = []
                for row in rows:
                    batch.append(row + tail)
                    if len(batch) >= 20000:
                        cursor.executemany(sql, batch)
                        self.count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    self.count += len(batch)


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's rowid continues from max(id) by itself
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {connection.ops.quote_name(table)}))",
                [table],
            )


# --- the generator --------------------------------------------------------------


@dataclass
class Node:
    id: int
    path: str
    depth: int
    kind: str
    name: str
    children: list[Node] = field(default_factory=list)
    town: Node | None = None
    households: int = 0  # groups: how many households they hold


class Synth:
    def __init__(
        self, households: int, seed: int, months: int, residents: bool, log: Callable[[str], None]
    ) -> None:
        self.n = households
        self.rnd = random.Random(seed)
        self.seed = seed
        self.months = months
        self.with_residents = residents
        self.log = log
        self.now = clock.now()
        self.summary = SynthSummary()
        self.phones = [
            personal.seal("phone", f"139{seed % 100:02d}{i:06d}") for i in range(POOL_SIZE)
        ]
        self.ids = [personal.seal("id_number", _id_number(self.rnd)) for _ in range(POOL_SIZE)]

    def name(self) -> str:
        rnd = self.rnd
        return (
            rnd.choice(SURNAMES)
            + rnd.choice(GIVEN)
            + (rnd.choice(GIVEN) if rnd.random() < 0.7 else "")
        )

    # places ---------------------------------------------------------------
    def build_places(self) -> list[Node]:
        n_groups = math.ceil(self.n / HOUSEHOLDS_PER_GROUP)
        n_villages = math.ceil(n_groups / GROUPS_PER_VILLAGE)
        n_towns = math.ceil(n_villages / VILLAGES_PER_TOWN)
        n_counties = math.ceil(n_towns / TOWNS_PER_COUNTY)
        n_cities = math.ceil(n_counties / COUNTIES_PER_CITY)
        roots = Place.objects.get_root_nodes().order_by("-path").values_list("path", flat=True)
        last = roots.first()
        root_index = (int(last[:STEP], 36) if last else 0) + 1
        pid = iter(range(next_id(Place), 10**12))
        root = Node(next(pid), segment(root_index), 1, "province", root_name(self.n, self.seed))
        nodes = [root]

        def child(parent: Node, kind: str, name: str) -> Node:
            node = Node(
                next(pid),
                parent.path + segment(len(parent.children) + 1),
                parent.depth + 1,
                kind,
                name,
            )
            parent.children.append(node)
            nodes.append(node)
            return node

        def spread(
            parents: list[Node], total: int, per: int, kind: str, label: Callable[[int, int], str]
        ) -> list[Node]:
            out: list[Node] = []
            for i in range(total):
                parent = parents[min(i // per, len(parents) - 1)]
                out.append(child(parent, kind, label(i, len(parent.children) + 1)))
            return out

        cities = spread([root], n_cities, n_cities, "city", lambda i, k: f"合成市{k}")
        counties = spread(
            cities, n_counties, COUNTIES_PER_CITY, "county", lambda i, k: f"合成县{i + 1}"
        )
        towns = spread(counties, n_towns, TOWNS_PER_COUNTY, "town", lambda i, k: f"合成镇{i + 1}")
        villages = spread(towns, n_villages, VILLAGES_PER_TOWN, "village", lambda i, k: f"第{k}村")
        groups = spread(villages, n_groups, GROUPS_PER_VILLAGE, "group", lambda i, k: f"{k}组")
        for town in towns:
            town.town = town
            for village in town.children:
                village.town = town
                for group in village.children:
                    group.town = town
        for i in range(self.n):
            groups[i // HOUSEHOLDS_PER_GROUP].households += 1
        table = Table(Place, ["id", "path", "depth", "numchild", "kind", "name", "code", "is_demo"])
        table.write(
            (n.id, n.path, n.depth, len(n.children), n.kind, n.name, None, True) for n in nodes
        )
        self.summary.root_path = root.path
        self.summary.places = table.count
        self.summary.towns = len(towns)
        self.towns = towns
        self.root = root
        return nodes

    # Party organisations and members --------------------------------------------
    def build_party(self, nodes: list[Node]) -> None:
        roots = (
            Organization.objects.get_root_nodes().order_by("-path").values_list("path", flat=True)
        )
        last = roots.first()
        oid = iter(range(next_id(Organization), 10**12))
        rows: list[tuple[Any, ...]] = []
        branches: list[tuple[int, str, int]] = []  # id, path, town id

        def org(
            path: str,
            depth: int,
            kind: str,
            org_type: str,
            name: str,
            place: Node,
            town: Node | None,
            nchild: int,
        ) -> int:
            i = next(oid)
            rows.append(
                (
                    i,
                    path,
                    depth,
                    nchild,
                    kind,
                    org_type,
                    name,
                    place.id,
                    place.path,
                    town.id if town else None,
                    True,
                )
            )
            return i

        def walk(place: Node, path: str) -> None:
            if place.kind == "town":
                extra = [
                    ("two_new", f"{place.name}合成科技有限公司党支部"),
                    ("institution", f"{place.name}卫生院党支部"),
                ]
                kids = place.children
                org(
                    path,
                    len(path) // STEP,
                    "committee",
                    "village",
                    f"中共{place.name}委员会",
                    place,
                    place,
                    len(kids) + len(extra),
                )
                k = 0
                for village in kids:
                    k += 1
                    p = path + segment(k)
                    branches.append(
                        (
                            org(
                                p,
                                len(p) // STEP,
                                "branch",
                                "village",
                                f"{village.name}党支部",
                                village,
                                place,
                                0,
                            ),
                            p,
                            place.id,
                        )
                    )
                for org_type, name in extra:
                    k += 1
                    p = path + segment(k)
                    branches.append(
                        (
                            org(p, len(p) // STEP, "branch", org_type, name, place, place, 0),
                            p,
                            place.id,
                        )
                    )
                return
            org(
                path,
                len(path) // STEP,
                "committee",
                "village",
                f"中共{place.name}委员会",
                place,
                None,
                len(place.children),
            )
            for k, c in enumerate(place.children, start=1):
                walk(c, path + segment(k))

        walk(self.root, segment((int(last[:STEP], 36) if last else 0) + 1))
        Table(
            Organization,
            [
                "id",
                "path",
                "depth",
                "numchild",
                "kind",
                "org_type",
                "name",
                "place_id",
                "place_path",
                "town_id",
                "is_demo",
            ],
        ).write(rows)
        self.summary.organizations = len(rows)

        mid = next_id(Member)
        statuses = ("full",) * 9 + ("probationary",)

        def members() -> Iterable[tuple[Any, ...]]:
            nonlocal mid
            rnd = self.rnd
            for branch_id, path, town_id in branches:
                for k in range(MEMBERS_PER_BRANCH):
                    ph, idn = rnd.choice(self.phones), rnd.choice(self.ids)
                    yield (
                        mid,
                        branch_id,
                        path,
                        town_id,
                        self.name(),
                        rnd.choice("MF"),
                        rnd.choice(statuses),
                        dt.date(rnd.randint(1970, 2024), rnd.randint(1, 12), 1),
                        "secretary" if k == 0 else "",
                        ph[""],
                        ph["_hash"],
                        ph["_masked"],
                        idn[""],
                        idn["_hash"],
                        idn["_masked"],
                        True,
                        True,
                    )
                    mid += 1

        t = Table(
            Member,
            [
                "id",
                "organization_id",
                "org_path",
                "town_id",
                "name",
                "gender",
                "status",
                "joined_on",
                "post",
                "phone",
                "phone_hash",
                "phone_masked",
                "id_number",
                "id_number_hash",
                "id_number_masked",
                "active",
                "is_demo",
            ],
        )
        t.write(members())
        self.summary.members = t.count

    # representatives, households, links, visits, residents -------------------------
    def build_households(self) -> None:
        rnd = self.rnd
        reps_t = Table(
            Representative,
            [
                "id",
                "town_id",
                "place_id",
                "place_path",
                "name",
                "phone",
                "phone_hash",
                "phone_masked",
                "active",
                "is_demo",
            ],
        )
        hh_t = Table(
            Household,
            [
                "id",
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
                "last_visit_at",
                "created_at",
                "is_demo",
            ],
        )
        link_t = Table(
            RepresentativeLink, ["household_id", "representative_id", "started_at", "ended_at"]
        )
        visit_t = Table(
            Visit,
            [
                "representative_id",
                "household_id",
                "town_id",
                "place_path",
                "visited_at",
                "mode",
                "notes",
                "device_time",
                "server_time",
                "is_demo",
            ],
        )
        res_t = Table(
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
                "is_demo",
            ],
        )
        rep_id = next_id(Representative)
        hh_id = next_id(Household)
        start = self.now - dt.timedelta(days=30 * self.months)
        span = max(1, int((self.now - start).total_seconds()))
        month_s = 30 * 86400
        modes = ("door", "door", "door", "phone", "wechat")
        created = self.now - dt.timedelta(days=400)
        relations = ("spouse", "child", "parent", "child", "grandchild", "sibling")
        for town in self.towns:
            reps, hhs, links, visits, residents = [], [], [], [], []
            for v_no, village in enumerate(town.children, start=1):
                in_village = sum(g.households for g in village.children)
                n_reps = max(1, math.ceil(in_village / HOUSEHOLDS_PER_REP))
                first_rep = rep_id
                for _ in range(n_reps):
                    ph = rnd.choice(self.phones)
                    reps.append(
                        (
                            rep_id,
                            town.id,
                            village.id,
                            village.path,
                            self.name(),
                            ph[""],
                            ph["_hash"],
                            ph["_masked"],
                            True,
                            True,
                        )
                    )
                    rep_id += 1
                k = 0
                for g_no, group in enumerate(village.children, start=1):
                    for h_no in range(1, group.households + 1):
                        rep = first_rep + k // HOUSEHOLDS_PER_REP
                        k += 1
                        last_visit = None
                        for m in range(self.months):
                            if rnd.random() < VISIT_PROBABILITY:
                                at = start + dt.timedelta(
                                    seconds=min(span - 1, m * month_s + rnd.randrange(month_s))
                                )
                                visits.append(
                                    (
                                        rep,
                                        hh_id,
                                        town.id,
                                        group.path,
                                        at,
                                        rnd.choice(modes),
                                        "",
                                        None,
                                        at,
                                        True,
                                    )
                                )
                                last_visit = (
                                    at if last_visit is None or at > last_visit else last_visit
                                )
                        ph = rnd.choice(self.phones)
                        head = self.name()
                        size = rnd.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6))
                        hhs.append(
                            (
                                hh_id,
                                town.id,
                                group.id,
                                group.path,
                                f"{v_no:03d}-{g_no:02d}-{h_no:03d}",
                                head,
                                ph[""],
                                ph["_hash"],
                                ph["_masked"],
                                f"{village.name}{group.name}{h_no}号",
                                size,
                                rep,
                                last_visit,
                                created,
                                True,
                            )
                        )
                        links.append((hh_id, rep, created, None))
                        if self.with_residents:
                            for r in range(size):
                                idn = rnd.choice(self.ids)
                                rph = ph if r == 0 else {"": "", "_hash": "", "_masked": ""}
                                residents.append(
                                    (
                                        hh_id,
                                        town.id,
                                        group.path,
                                        head if r == 0 else self.name(),
                                        "head" if r == 0 else rnd.choice(relations),
                                        idn[""],
                                        idn["_hash"],
                                        idn["_masked"],
                                        rph[""],
                                        rph["_hash"],
                                        rph["_masked"],
                                        True,
                                    )
                                )
                        hh_id += 1
            reps_t.write(reps)
            hh_t.write(hhs)
            link_t.write(links)
            visit_t.write(visits)
            res_t.write(residents)
        s = self.summary
        s.representatives, s.households, s.links, s.visits, s.residents = (
            reps_t.count,
            hh_t.count,
            link_t.count,
            visit_t.count,
            res_t.count,
        )


def skip_fk_checks() -> bool:
    """On PostgreSQL as a superuser, skip the per-row foreign-key triggers for this transaction.

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so every copied row
    queues a check that runs at COMMIT: at county scale that queue cost more than
    writing the rows. The generator points only at rows it has just written, and
    the tests check its output with the constraints enforced (SQLite).
    """
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        if not (row and row[0]):
            return False
        cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def _id_number(rnd: random.Random) -> str:
    from stdnum.cn import ric

    body = f"430121{rnd.randint(1950, 2005)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}{rnd.randint(0, 999):03d}"
    return body + ric.calc_check_digit(body)


def synthesize(
    *,
    households: int,
    seed: int = 1,
    months: int = 3,
    residents: bool = False,
    log: Callable[[str], None] = lambda _m: None,
) -> SynthSummary:
    """Write a synthetic province of `households` households into the default database."""
    started = time.perf_counter()
    synth = Synth(households, seed, months, residents, log)
    with transaction.atomic():
        skip_fk_checks()
        t = time.perf_counter()
        nodes = synth.build_places()
        synth.summary.timings["places"] = time.perf_counter() - t
        t = time.perf_counter()
        synth.build_party(nodes)
        synth.summary.timings["party"] = time.perf_counter() - t
        t = time.perf_counter()
        synth.build_households()
        synth.summary.timings["households"] = time.perf_counter() - t
        reset_sequences(
            [
                Place,
                Organization,
                Member,
                Representative,
                Household,
                RepresentativeLink,
                Visit,
                Resident,
            ]
        )
    if connection.vendor == "postgresql":
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, or the planner guesses on empty tables
        synth.summary.timings["analyze"] = time.perf_counter() - t
    synth.summary.seconds = time.perf_counter() - started
    return synth.summary
