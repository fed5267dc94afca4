"""Representatives, households, links, visits and residents, written town by town.

About 11 households per representative; visits over `months` months, each
household visited in a month with probability 0.6.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field
from typing import Any

from grassroots.bench.synth.common import (
    HOUSEHOLDS_PER_REP,
    VISIT_PROBABILITY,
    Node,
    Sealed,
    Synth,
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


@dataclass
class _TownRows:
    """The rows of one town, written together."""

    reps: list[tuple[Any, ...]] = field(default_factory=list)
    households: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[Any, ...]] = field(default_factory=list)
    visits: list[tuple[Any, ...]] = field(default_factory=list)
    residents: list[tuple[Any, ...]] = field(default_factory=list)


class _Households:
    def __init__(self, synth: Synth) -> None:
        self.synth = synth
        self.rnd = synth.rnd
        self.rep_id = next_id(Representative)
        self.hh_id = next_id(Household)
        self.start = synth.now - dt.timedelta(days=30 * synth.months)
        self.span = max(1, int((synth.now - self.start).total_seconds()))
        self.created = synth.now - dt.timedelta(days=400)
        self.tables = {
            "reps": BulkRows(Representative, REP_COLUMNS),
            "households": BulkRows(Household, HOUSEHOLD_COLUMNS),
            "links": BulkRows(RepresentativeLink, LINK_COLUMNS),
            "visits": BulkRows(Visit, VISIT_COLUMNS),
            "residents": BulkRows(Resident, RESIDENT_COLUMNS),
        }

    def town(self, town: Node, following: Node | None) -> None:
        if following is not None:  # sealed in the background while this town is written
            self.synth.phones.reserve(phones_needed(following))
        rows = _TownRows()
        for v_no, village in enumerate(town.children, start=1):
            first_rep = self.representatives(rows, town, village)
            k = 0
            for g_no, group in enumerate(village.children, start=1):
                for h_no in range(1, group.households + 1):
                    rep = first_rep + k // HOUSEHOLDS_PER_REP
                    k += 1
                    code = f"{v_no:03d}-{g_no:02d}-{h_no:03d}"
                    self.household(rows, town, village, group, h_no, code, rep)
        for name, table in self.tables.items():
            table.write(getattr(rows, name))

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

    def visits(self, rows: _TownRows, town: Node, group: Node, rep: int) -> dt.datetime | None:
        """This household's visits, one month at a time; returns the last one's time."""
        last_visit = None
        for m in range(self.synth.months):
            if self.rnd.random() < VISIT_PROBABILITY:
                offset = min(self.span - 1, m * MONTH_S + self.rnd.randrange(MONTH_S))
                at = self.start + dt.timedelta(seconds=offset)
                mode = self.rnd.choice(MODES)
                rows.visits.append(
                    (rep, self.hh_id, town.id, group.path, at, mode, "", None, at, True)
                )
                last_visit = at if last_visit is None or at > last_visit else last_visit
        return last_visit

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
        last_visit = self.visits(rows, town, group, rep)
        ph = self.synth.phone()
        head = self.synth.name()
        size = self.rnd.choice(SIZES)
        address = f"{village.name}{group.name}{h_no}号"
        rows.households.append(
            (self.hh_id, town.id, group.id, group.path, code, head, *sealed(ph), address, size)
            + (rep, last_visit, self.created, True)
        )
        rows.links.append((self.hh_id, rep, self.created, None))
        if self.synth.with_residents:
            self.residents(rows, town, group, head, ph, size)
        self.hh_id += 1

    def residents(  # noqa: PLR0913 - the household's head and size
        self, rows: _TownRows, town: Node, group: Node, head: str, ph: Sealed, size: int
    ) -> None:
        for r in range(size):
            idn = self.synth.id_number()
            name = head if r == 0 else self.synth.name()
            relation = "head" if r == 0 else self.rnd.choice(RELATIONS)
            phone = ph if r == 0 else NO_PHONE
            rows.residents.append(
                (
                    self.hh_id,
                    town.id,
                    group.path,
                    name,
                    relation,
                    *sealed(idn),
                    *sealed(phone),
                    True,
                )
            )


def phones_needed(town: Node) -> int:
    """One phone per representative and one per household of the town."""
    total = 0
    for village in town.children:
        in_village = sum(g.households for g in village.children)
        total += max(1, math.ceil(in_village / HOUSEHOLDS_PER_REP)) + in_village
    return total


def build_households(synth: Synth) -> None:
    writer = _Households(synth)
    towns = synth.towns
    if towns:
        synth.phones.reserve(phones_needed(towns[0]))
    started = time.perf_counter()
    for i, town in enumerate(towns):
        writer.town(town, towns[i + 1] if i + 1 < len(towns) else None)
        if (i + 1) % 100 == 0:
            synth.log(f"  {i + 1} of {len(towns)} towns in {time.perf_counter() - started:.0f} s")
    t = writer.tables
    s = synth.summary
    s.representatives = t["reps"].count
    s.households = t["households"].count
    s.links = t["links"].count
    s.visits = t["visits"].count
    s.residents = t["residents"].count
