"""What every stage of the generator shares: proportions, the place tree, the random state."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from stdnum.cn import ric

from grassroots.core import clock, personal

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

# A sealed personal value as personal.seal gives it: {"": cipher, "_hash": ..., "_masked": ...}.
Sealed = dict[str, str]


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
    """The generator's state: sizes, the seeded random source, the sealed-value pools."""

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
        self.towns: list[Node] = []
        self.root: Node | None = None
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

    def phone(self) -> Sealed:
        return self.rnd.choice(self.phones)

    def id_number(self) -> Sealed:
        return self.rnd.choice(self.ids)


def sealed(value: Sealed) -> tuple[str, str, str]:
    """The three columns of a sealed value, in the order the tables list them."""
    return value[""], value["_hash"], value["_masked"]


def _id_number(rnd: random.Random) -> str:
    born = dt.date(rnd.randint(1950, 2005), rnd.randint(1, 12), rnd.randint(1, 28))
    body = f"430121{born:%Y%m%d}{rnd.randint(0, 999):03d}"
    return body + ric.calc_check_digit(body)
