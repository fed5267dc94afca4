"""What every stage of the generator shares: proportions, the place tree, the random state.

Two sources of randomness: `Synth.rnd` (Python's seeded generator) for what only
Python writes (places, Party, representatives, households), and `pg_hash`, a
Python copy of PostgreSQL's `hashint8extended`, for what is derived from a row's
id (visits, residents): the same seed and id give the same value in Python and
in SQL, so the bulk path can generate those rows inside PostgreSQL and still
agree with the household rows Python wrote (a household's `last_visit_at`).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult

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
ID_POOL_SIZE = 4096
# Mobile prefixes in use in China; a synthetic number is a prefix and 8 digits.
MOBILE_PREFIXES = tuple(
    f"1{p}"
    for p in (*range(30, 40), *range(50, 54), *range(55, 60), 66, 73, 77, 78)
    + (*range(80, 90), 91, 98, 99)
)
SEAL_IN_POOL_FROM = 50_000  # households; below this, sealing inline is faster than a pool
SEAL_BLOCK = 5_000

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEP = 4

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国文德福海燕云峰鑫"

# hashint8extended (PostgreSQL's src/common/hashfn.c, Bob Jenkins' lookup3), in Python.
_M32 = 0xFFFFFFFF
_M64 = 0xFFFFFFFFFFFFFFFF


def _rot(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & _M32


def hash_state(seed: int) -> tuple[int, int, int]:
    """lookup3's state after mixing in `seed` (hash_uint32_extended's first half)."""
    a = b = c = (0x9E3779B9 + 4 + 3923095) & _M32
    if seed:
        seed &= _M64
        a = (a + (seed >> 32)) & _M32
        b = (b + (seed & _M32)) & _M32
        a = (a - c) & _M32
        a ^= _rot(c, 4)
        c = (c + b) & _M32
        b = (b - a) & _M32
        b ^= _rot(a, 6)
        a = (a + c) & _M32
        c = (c - b) & _M32
        c ^= _rot(b, 8)
        b = (b + a) & _M32
        a = (a - c) & _M32
        a ^= _rot(c, 16)
        c = (c + b) & _M32
        b = (b - a) & _M32
        b ^= _rot(a, 19)
        a = (a + c) & _M32
        c = (c - b) & _M32
        c ^= _rot(b, 4)
        b = (b + a) & _M32
    return a, b, c


def pg_hash(value: int, state: tuple[int, int, int]) -> int:
    """PostgreSQL's `hashint8extended(value, seed)` with `state = hash_state(seed)`, as an
    unsigned 64-bit number (SQL sees it signed: use only bit fields below bit 63 of it).
    lookup3's final() with the rotations written out: this runs for every household."""
    a, b, c = state
    m = _M32
    lo = value & m
    hi = (value >> 32) & m
    a = (a + (lo ^ (hi if value >= 0 else ~hi & m))) & m
    c ^= b
    c = (c - (((b << 14) | (b >> 18)) & m)) & m
    a ^= c
    a = (a - (((c << 11) | (c >> 21)) & m)) & m
    b ^= a
    b = (b - (((a << 25) | (a >> 7)) & m)) & m
    c ^= b
    c = (c - (((b << 16) | (b >> 16)) & m)) & m
    a ^= c
    a = (a - (((c << 4) | (c >> 28)) & m)) & m
    b ^= a
    b = (b - (((a << 14) | (a >> 18)) & m)) & m
    c ^= b
    c = (c - (((b << 24) | (b >> 8)) & m)) & m
    return (b << 32) | c


# A sealed personal value as personal.seal gives it: {"": cipher, "_hash": ..., "_masked": ...}.
Sealed = dict[str, str]


def segment(n: int) -> str:
    """Treebeard's step for the n-th child (1-based): base 36, zero-padded to 4."""
    digits = ""
    while n:
        n, r = divmod(n, 36)
        digits = ALPHABET[r] + digits
    return digits.rjust(STEP, "0")


def root_name(households: int, seed: int, residents: bool = False) -> str:
    """The synthetic province's name: a run reuses data only of its own size, seed and kind."""
    return f"合成省（{households}户·种子{seed}{'·含居民' if residents else ''}）"


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
        self.bulk = False  # bulk-load mode (`bulk.use_bulk`): set by `synthesize`
        self.log = log
        self.now = clock.now()
        self.summary = SynthSummary()
        self.towns: list[Node] = []
        self.root: Node | None = None
        self.phones = Phones(seed, pool=households >= SEAL_IN_POOL_FROM)
        # ID numbers come from a pool (66 M residents at province scale would take 15 minutes
        # of sealing and no page looks residents up by ID number at scale).
        self.ids = [personal.seal("id_number", _id_number(self.rnd)) for _ in range(ID_POOL_SIZE)]

    def name(self) -> str:
        rnd = self.rnd
        return (
            rnd.choice(SURNAMES)
            + rnd.choice(GIVEN)
            + (rnd.choice(GIVEN) if rnd.random() < 0.7 else "")
        )

    def phone(self) -> Sealed:
        return self.phones.next()

    def id_number(self) -> Sealed:
        return self.rnd.choice(self.ids)


def phone_number(seed: int, n: int) -> str:
    """The n-th synthetic mobile number: distinct for every n < 10**8 * len(MOBILE_PREFIXES)."""
    prefix = MOBILE_PREFIXES[n % len(MOBILE_PREFIXES)]
    # A fixed odd multiplier spreads consecutive numbers over the 8 digits (a bijection mod 10**8).
    return f"{prefix}{(n // len(MOBILE_PREFIXES) * 48_271 + seed) % 10**8:08d}"


def _seal_phones(numbers: list[str]) -> list[Sealed]:
    return [personal.seal("phone", n) for n in numbers]


class Phones:
    """Distinct, genuinely sealed phone numbers, handed out in a fixed order.

    Every phone is its own number, so lookups by phone find one household as in a real
    town. Sealing (AES-GCM and a keyed hash) costs ~14 µs a number: 20 M households would
    add about 5 minutes to one process. At scale, `reserve` seals blocks ahead in worker
    processes while the generator builds and copies the rows of the town before.
    """

    def __init__(self, seed: int, *, pool: bool) -> None:
        self.seed = seed
        self.issued = 0
        self.ready: deque[Sealed] = deque()
        self.pending: deque[AsyncResult] = deque()
        self.pool = (
            multiprocessing.get_context("fork").Pool(max(1, (os.cpu_count() or 2) - 1))
            if pool
            else None
        )

    def _numbers(self, n: int) -> list[str]:
        first, self.issued = self.issued, self.issued + n
        return [phone_number(self.seed, i) for i in range(first, first + n)]

    def reserve(self, n: int) -> None:
        """Start sealing the next `n` numbers in the background (inline without a pool)."""
        if self.pool is None:
            self.ready.extend(_seal_phones(self._numbers(n)))
            return
        numbers = self._numbers(n)
        for i in range(0, n, SEAL_BLOCK):
            self.pending.append(self.pool.apply_async(_seal_phones, (numbers[i : i + SEAL_BLOCK],)))

    def next(self) -> Sealed:
        if not self.ready and self.pending:
            self.ready.extend(self.pending.popleft().get())
        if not self.ready:
            self.ready.extend(_seal_phones(self._numbers(1)))
        return self.ready.popleft()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def sealed(value: Sealed) -> tuple[str, str, str]:
    """The three columns of a sealed value, in the order the tables list them."""
    return value[""], value["_hash"], value["_masked"]


def _id_number(rnd: random.Random) -> str:
    born = dt.date(rnd.randint(1950, 2005), rnd.randint(1, 12), rnd.randint(1, 28))
    body = f"430121{born:%Y%m%d}{rnd.randint(0, 999):03d}"
    return body + ric.calc_check_digit(body)
