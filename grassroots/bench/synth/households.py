"""Representatives, households, links, visits and residents, written town by town.

About 11 households per representative; visits over `months` months, each
household visited in a month with probability 0.6; residents (household size,
≈3.3 each) only with `--residents`, the head carrying the household's name and
phone.

Representatives and households (genuinely sealed, distinct phones) are built in
Python and copied. Visits and residents are drawn from `common.pg_hash` of the
household's id and the seed, never from `Synth.rnd`, so they are defined once
and produced two ways with the same result:

- in Python, row by row (`_Draws`), on SQLite and for small runs on PostgreSQL;
- in bulk mode (PostgreSQL, from `bulk.BULK_FROM` households) inside PostgreSQL
  by `INSERT … SELECT` from the households just copied (`VISITS_SQL`,
  `RESIDENTS_SQL`, `LINKS_SQL`, with `hashint8extended`), a batch of towns at a
  time, while `bulk.indexes_deferred` holds the indexes back. Their ids are
  numbered in the statement (`row_number()` from the table's next id) rather
  than by the identity's `nextval` row by row, which was slower.

Either way a household's `last_visit_at` is computed in Python from the same
draws as its newest visit, so the households are written once, never updated.

The rows of a town are built (`_Builder`, no database access) in a thread one
town ahead of the writer (`_Writer`): while psycopg waits on PostgreSQL's copy
and INSERT … SELECT of one town, without the GIL, Python builds the next. The
builder alone draws from `Synth.rnd` and the phone pool, town after town, so
the rows are those of a single thread.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from grassroots.bench.synth import bulk
from grassroots.bench.synth.common import (
    GIVEN,
    HOUSEHOLDS_PER_REP,
    SURNAMES,
    VISIT_PROBABILITY,
    Node,
    Sealed,
    Synth,
    hash_state,
    pg_hash,
    sealed,
)
from grassroots.core.rows import BulkRows, next_id
from grassroots.grid.models import (
    Household,
    Representative,
    RepresentativeLink,
    Resident,
    Visit,
)

PHONE = ["phone", "phone_hash", "phone_masked"]
ID_NUMBER = ["id_number", "id_number_hash", "id_number_masked"]
REP_COLUMNS = ["id", "town_id", "place_id", "place_path", "name", *PHONE, "active", "is_demo"]
HOUSEHOLD_COLUMNS = [
    *("id", "town_id", "place_id", "place_path", "code", "head_name", *PHONE, "address", "size"),
    *("representative_id", "last_visit_at", "created_at", "is_demo"),
]
LINK_COLUMNS = ["household_id", "representative_id", "started_at", "ended_at"]
VISIT_COLUMNS = [
    *("representative_id", "household_id", "town_id", "place_path", "visited_at", "mode"),
    *("notes", "device_time", "server_time", "is_demo"),
]
RESIDENT_COLUMNS = [
    *("household_id", "town_id", "place_path", "name", "relation", *ID_NUMBER, *PHONE),
    "is_demo",
]
MODES = ("door", "door", "door", "phone", "wechat")
RELATIONS = ("spouse", "child", "parent", "child", "grandchild", "sibling")
SIZES = (1, 2, 2, 3, 3, 3, 4, 4, 5, 6)
MONTH_S = 30 * 86400
NO_PHONE: Sealed = {"": "", "_hash": "", "_masked": ""}

# The hash seed of a stream of draws is seed * STREAMS + stream: month m's visits use
# stream m, residents the last one. A household's residents are keyed id * RESIDENT_KEY + r.
STREAMS = 4096
RESIDENT_STREAM = STREAMS - 1
RESIDENT_KEY = 8  # > max(SIZES)
# Bit fields of one draw (a 64-bit hash; SQL sees it signed, so only bits 0–61 are used).
VISIT_CUT = round(VISIT_PROBABILITY * 2**20)  # visited if bits 0–19 fall below this
TWO_GIVEN_CUT = round(0.7 * 2**10)  # two given names if bits 32–41 fall below this


def stream_seed(seed: int, stream: int) -> int:
    return seed * STREAMS + stream


class _Draws:
    """A household's visits and residents, drawn from `pg_hash` of its id (as the SQL does)."""

    def __init__(self, synth: Synth, start: dt.datetime, span: int) -> None:
        if synth.months >= RESIDENT_STREAM:
            raise ValueError(f"at most {RESIDENT_STREAM - 1} months of visits")
        self.start = start
        self.span = span
        self.months = [(m, hash_state(stream_seed(synth.seed, m))) for m in range(synth.months)]
        self.latest_first = self.months[::-1]
        self.resident_state = hash_state(stream_seed(synth.seed, RESIDENT_STREAM))
        self.ids = synth.ids

    def visit(self, household_id: int, month: int, state: tuple[int, int, int]) -> tuple | None:
        """(visited_at, mode) of the household's visit in `month`, None if not visited."""
        x = pg_hash(household_id, state)
        if x & 0xFFFFF >= VISIT_CUT:
            return None
        offset = min(self.span - 1, month * MONTH_S + ((x >> 20) & 0xFFFFFFFF) % MONTH_S)
        return self.start + dt.timedelta(seconds=offset), MODES[((x >> 52) & 0xFF) % len(MODES)]

    def visits(self, household_id: int) -> list[tuple[dt.datetime, str]]:
        return [v for m, st in self.months if (v := self.visit(household_id, m, st)) is not None]

    def last_visit(self, household_id: int) -> dt.datetime | None:
        """The newest visit's time: the months' spans follow each other, so the latest hit."""
        for m, st in self.latest_first:
            v = self.visit(household_id, m, st)
            if v is not None:
                return v[0]
        return None

    def resident(self, household_id: int, r: int) -> tuple[str, str, Sealed]:
        """(name, relation, sealed ID number) of the household's r-th non-head resident
        (r ≥ 1); the head (r = 0) uses only the ID number."""
        x = pg_hash(household_id * RESIDENT_KEY + r, self.resident_state)
        name = (
            SURNAMES[((x >> 12) & 0x3FF) % len(SURNAMES)] + GIVEN[((x >> 22) & 0x3FF) % len(GIVEN)]
        )
        if (x >> 32) & 0x3FF < TWO_GIVEN_CUT:
            name += GIVEN[((x >> 42) & 0x3FF) % len(GIVEN)]
        return name, RELATIONS[((x >> 52) & 0x3FF) % len(RELATIONS)], self.ids[x & 0xFFF]


# The same draws in SQL ({household} and the like: quoted table names), for the households with ids in [%(first)s, %(last)s]. Bit fields
# are read with >> and & (arithmetic shifts of the signed hash give the same low bits).
VISITS_SQL = """
INSERT INTO {visit} (id, representative_id, household_id, town_id, place_path, visited_at,
                     mode, notes, device_time, server_time, is_demo)
SELECT %(id)s - 1 + row_number() OVER (),
       h.representative_id, h.id, h.town_id, h.place_path, v.at,
       (%(modes)s::text[])[(1 + ((v.x >> 52) & 255) %% %(n_modes)s)::int], '', NULL, v.at, TRUE
FROM {household} h
CROSS JOIN LATERAL (
    SELECT d.x, %(start)s::timestamptz + make_interval(secs => LEAST(
               %(span)s - 1, m * %(month_s)s + ((d.x >> 20) & 4294967295) %% %(month_s)s)) AS at
    FROM generate_series(0, %(months)s - 1) AS m,
         LATERAL (SELECT hashint8extended(h.id, %(seed)s::bigint * %(streams)s + m) AS x) AS d
    WHERE (d.x & 1048575) < %(visit_cut)s
) AS v
WHERE h.id BETWEEN %(first)s AND %(last)s
"""
RESIDENTS_SQL = """
INSERT INTO {resident} (id, household_id, town_id, place_path, name, relation, id_number,
                        id_number_hash, id_number_masked, phone, phone_hash, phone_masked,
                        is_demo)
SELECT %(id)s - 1 + row_number() OVER (), h.id, h.town_id, h.place_path,
       CASE WHEN r.n = 0 THEN h.head_name
            ELSE substr(%(surnames)s, 1 + (((r.x >> 12) & 1023) %% %(n_surnames)s)::int, 1)
                 || substr(%(given)s, 1 + (((r.x >> 22) & 1023) %% %(n_given)s)::int, 1)
                 || CASE WHEN ((r.x >> 32) & 1023) < %(two_given_cut)s
                         THEN substr(%(given)s, 1 + (((r.x >> 42) & 1023) %% %(n_given)s)::int, 1)
                         ELSE '' END
       END,
       CASE WHEN r.n = 0 THEN 'head'
            ELSE (%(relations)s::text[])[(1 + ((r.x >> 52) & 1023) %% %(n_relations)s)::int] END,
       p.cipher, p.hash, p.masked,
       CASE WHEN r.n = 0 THEN h.phone ELSE '' END,
       CASE WHEN r.n = 0 THEN h.phone_hash ELSE '' END,
       CASE WHEN r.n = 0 THEN h.phone_masked ELSE '' END,
       TRUE
FROM {household} h
CROSS JOIN LATERAL (
    SELECT n, hashint8extended(h.id * %(resident_key)s + n, %(resident_seed)s::bigint) AS x
    FROM generate_series(0, h.size - 1) AS n
) AS r
JOIN pg_temp.synth_id_pool p ON p.n = (r.x & 4095)
WHERE h.id BETWEEN %(first)s AND %(last)s
"""
LINKS_SQL = """
INSERT INTO {link} (id, household_id, representative_id, started_at, ended_at)
SELECT %(id)s - 1 + row_number() OVER (), id, representative_id, created_at, NULL
FROM {household}
WHERE id BETWEEN %(first)s AND %(last)s
"""


@dataclass
class _TownRows:
    """The rows of one town, written together; households `first`…`last` by id."""

    first: int = 0
    last: int = 0
    reps: list[tuple[Any, ...]] = field(default_factory=list)
    households: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[Any, ...]] = field(default_factory=list)
    visits: list[tuple[Any, ...]] = field(default_factory=list)
    residents: list[tuple[Any, ...]] = field(default_factory=list)


class _Builder:
    """The towns' rows in Python, one town after the other; never touches the database, so
    it may run in a thread of its own (`_write_towns`)."""

    def __init__(self, synth: Synth, rep_id: int, hh_id: int) -> None:
        self.synth = synth
        self.rnd = synth.rnd
        self.rep_id = rep_id
        self.hh_id = hh_id
        self.start = synth.now - dt.timedelta(days=30 * synth.months)
        self.span = max(1, int((synth.now - self.start).total_seconds()))
        self.created = synth.now - dt.timedelta(days=400)
        self.draws = _Draws(synth, self.start, self.span)
        self.bulk = synth.bulk

    def town(self, town: Node, following: Node | None) -> _TownRows:
        if following is not None:  # sealed in the background while this town is written
            self.synth.phones.reserve(phones_needed(following))
        rows = _TownRows(first=self.hh_id)
        for v_no, village in enumerate(town.children, start=1):
            first_rep = self.representatives(rows, town, village)
            k = 0
            for g_no, group in enumerate(village.children, start=1):
                for h_no in range(1, group.households + 1):
                    rep = first_rep + k // HOUSEHOLDS_PER_REP
                    k += 1
                    code = f"{v_no:03d}-{g_no:02d}-{h_no:03d}"
                    self.household(rows, town, village, group, h_no, code, rep)
        rows.last = self.hh_id - 1
        return rows

    def representatives(self, rows: _TownRows, town: Node, village: Node) -> int:
        """The village's representatives; returns the first one's id."""
        in_village = sum(g.households for g in village.children)
        first = self.rep_id
        for _ in range(max(1, math.ceil(in_village / HOUSEHOLDS_PER_REP))):
            ph = self.synth.phone()
            name = self.synth.name()
            rows.reps.append(
                (self.rep_id, town.id, village.id, village.path, name, *sealed(ph), True, True)
            )
            self.rep_id += 1
        return first

    def household(  # noqa: PLR0913 - where the household sits
        self,
        rows: _TownRows,
        town: Node,
        village: Node,
        group: Node,
        h_no: int,
        code: str,
        rep: int,
    ) -> None:
        ph = self.synth.phone()
        head = self.synth.name()
        size = self.rnd.choice(SIZES)
        address = f"{village.name}{group.name}{h_no}号"
        if self.bulk:  # the child rows come from SQL (`_Writer.child_rows_in_sql`)
            last_visit = self.draws.last_visit(self.hh_id)
        else:
            last_visit = self.child_rows(rows, town, group, rep, head, ph, size)
        rows.households.append(
            (self.hh_id, town.id, group.id, group.path, code, head, *sealed(ph), address, size)
            + (rep, last_visit, self.created, True)
        )
        self.hh_id += 1

    def child_rows(  # noqa: PLR0913 - the household's place, head and size
        self, rows: _TownRows, town: Node, group: Node, rep: int, head: str, ph: Sealed, size: int
    ) -> dt.datetime | None:
        """The household's link, visits and residents in Python; returns its last visit."""
        hh = self.hh_id
        rows.links.append((hh, rep, self.created, None))
        visits = self.draws.visits(hh)
        for at, mode in visits:
            rows.visits.append((rep, hh, town.id, group.path, at, mode, "", None, at, True))
        if self.synth.with_residents:
            for r in range(size):
                name, relation, idn = self.draws.resident(hh, r)
                if r == 0:
                    name, relation = head, "head"
                phone = ph if r == 0 else NO_PHONE
                rows.residents.append(
                    (hh, town.id, group.path, name, relation, *sealed(idn), *sealed(phone), True)
                )
        return visits[-1][0] if visits else None


class _Writer:
    """Writes the towns' rows; in bulk mode also their child rows, in SQL."""

    def __init__(self, synth: Synth, builder: _Builder) -> None:
        self.synth = synth
        self.bulk = synth.bulk
        self.builder = builder
        self.tables = {
            "reps": BulkRows(Representative, REP_COLUMNS),
            "households": BulkRows(Household, HOUSEHOLD_COLUMNS),
            "links": BulkRows(RepresentativeLink, LINK_COLUMNS),
            "visits": BulkRows(Visit, VISIT_COLUMNS),
            "residents": BulkRows(Resident, RESIDENT_COLUMNS),
        }
        self.in_sql = {"links": 0, "visits": 0, "residents": 0}
        # bulk mode: the next id of each table written in SQL, numbered there (`row_number()`)
        # rather than by the identity's nextval row by row, which was slower
        self.ids = (
            {
                "links": next_id(RepresentativeLink),
                "visits": next_id(Visit),
                "residents": next_id(Resident),
            }
            if self.bulk
            else {}
        )
        self.unchilded: int | None = None  # bulk mode: households written, child rows not yet
        self.written = 0  # the last household id written

    def write(self, rows: _TownRows) -> None:
        for name, table in self.tables.items():
            table.write(getattr(rows, name))
        if rows.households:
            if self.unchilded is None:
                self.unchilded = rows.first
            self.written = rows.last

    def child_rows_in_sql(self) -> None:
        """Bulk mode: the links, visits and residents of the households written since the
        last call, each table by one INSERT … SELECT from those households."""
        if self.unchilded is None:
            return
        first, last = self.unchilded, self.written
        synth = self.synth
        params = {
            "first": first,
            "last": last,
            "seed": synth.seed,
            "streams": STREAMS,
            "months": synth.months,
            "start": self.builder.start,
            "span": self.builder.span,
            "month_s": MONTH_S,
            "visit_cut": VISIT_CUT,
            "modes": list(MODES),
            "n_modes": len(MODES),
            "resident_key": RESIDENT_KEY,
            "resident_seed": stream_seed(synth.seed, RESIDENT_STREAM),
            "surnames": SURNAMES,
            "n_surnames": len(SURNAMES),
            "given": GIVEN,
            "n_given": len(GIVEN),
            "two_given_cut": TWO_GIVEN_CUT,
            "relations": list(RELATIONS),
            "n_relations": len(RELATIONS),
        }
        statements = [("links", LINKS_SQL), ("visits", VISITS_SQL)]
        if synth.with_residents:
            statements.append(("residents", RESIDENTS_SQL))
        tables = {
            "household": Household._meta.db_table,
            "link": RepresentativeLink._meta.db_table,
            "visit": Visit._meta.db_table,
            "resident": Resident._meta.db_table,
        }
        quoted = {k: connection.ops.quote_name(v) for k, v in tables.items()}
        with connection.cursor() as cursor:
            for name, sql in statements:
                params["id"] = self.ids[name]
                cursor.execute(sql.format(**quoted), params)
                self.in_sql[name] += cursor.rowcount
                self.ids[name] += cursor.rowcount
        self.unchilded = None


def phones_needed(town: Node) -> int:
    """One phone per representative and one per household of the town."""
    total = 0
    for village in town.children:
        in_village = sum(g.households for g in village.children)
        total += max(1, math.ceil(in_village / HOUSEHOLDS_PER_REP)) + in_village
    return total


def _write_towns(synth: Synth, builder: _Builder, writer: _Writer) -> None:
    """Build each town's rows in a thread while the town before is written: the database
    works (psycopg waits without the GIL) while Python builds the next town."""
    towns = synth.towns
    if not towns:
        return
    synth.phones.reserve(phones_needed(towns[0]))
    started = time.perf_counter()

    def town(j: int) -> Node | None:
        return towns[j] if j < len(towns) else None

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="synth-rows") as ahead:
        built = ahead.submit(builder.town, towns[0], town(1))
        for i in range(len(towns)):
            rows = built.result()
            if i + 1 < len(towns):
                built = ahead.submit(builder.town, towns[i + 1], town(i + 2))
            writer.write(rows)
            if writer.bulk and (i + 1) % bulk.BATCH_TOWNS == 0:
                writer.child_rows_in_sql()
            if (i + 1) % 100 == 0:
                synth.log(
                    f"  {i + 1} of {len(towns)} towns in {time.perf_counter() - started:.0f} s"
                )
    if writer.bulk:
        writer.child_rows_in_sql()


def build_households(synth: Synth) -> None:
    builder = _Builder(synth, next_id(Representative), next_id(Household))
    writer = _Writer(synth, builder)
    if writer.bulk:
        timings = synth.summary.timings
        with bulk.indexes_deferred(BULK_MODELS, timings, synth.log), bulk.without_jit():
            bulk.load_id_pool(synth.ids)
            _write_towns(synth, builder, writer)
            bulk.drop_id_pool()
    else:
        _write_towns(synth, builder, writer)
    t = writer.tables
    s = synth.summary
    s.representatives = t["reps"].count
    s.households = t["households"].count
    s.links = t["links"].count + writer.in_sql["links"]
    s.visits = t["visits"].count + writer.in_sql["visits"]
    s.residents = t["residents"].count + writer.in_sql["residents"]


BULK_MODELS = [Representative, Household, RepresentativeLink, Visit, Resident]
