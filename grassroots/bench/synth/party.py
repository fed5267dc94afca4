"""Party organisations and members: one committee per place down to the town, a branch
per village plus a two-new and an institution branch per town, 20 members per branch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from grassroots.bench.synth.common import MEMBERS_PER_BRANCH, STEP, Node, Synth, sealed, segment
from grassroots.core.rows import BulkRows, next_id
from grassroots.party.models import Member, Organization

ORG_COLUMNS = [
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
]
MEMBER_COLUMNS = [
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
]
STATUSES = ("full",) * 9 + ("probationary",)


class _OrgTree:
    """Organisation rows following the place tree; collects the branches members join."""

    def __init__(self) -> None:
        self.ids: Iterator[int] = iter(range(next_id(Organization), 10**12))
        self.rows: list[tuple[Any, ...]] = []
        self.branches: list[tuple[int, str, int]] = []  # id, path, town id

    def org(  # noqa: PLR0913 - one column each
        self,
        path: str,
        kind: str,
        org_type: str,
        name: str,
        place: Node,
        town: Node | None,
        nchild: int,
    ) -> int:
        i = next(self.ids)
        self.rows.append(
            (
                i,
                path,
                len(path) // STEP,
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

    def branch(self, path: str, org_type: str, name: str, place: Node, town: Node) -> None:
        self.branches.append(
            (self.org(path, "branch", org_type, name, place, town, 0), path, town.id)
        )

    def town(self, place: Node, path: str) -> None:
        extra = [
            ("two_new", f"{place.name}合成科技有限公司党支部"),
            ("institution", f"{place.name}卫生院党支部"),
        ]
        kids = place.children
        committee = f"中共{place.name}委员会"
        self.org(path, "committee", "village", committee, place, place, len(kids) + len(extra))
        k = 0
        for village in kids:
            k += 1
            self.branch(path + segment(k), "village", f"{village.name}党支部", village, place)
        for org_type, name in extra:
            k += 1
            self.branch(path + segment(k), org_type, name, place, place)

    def walk(self, place: Node, path: str) -> None:
        if place.kind == "town":
            self.town(place, path)
            return
        name = f"中共{place.name}委员会"
        self.org(path, "committee", "village", name, place, None, len(place.children))
        for k, c in enumerate(place.children, start=1):
            self.walk(c, path + segment(k))


def _members(
    synth: Synth, branches: Iterable[tuple[int, str, int]], mid: int
) -> Iterator[tuple[Any, ...]]:
    """Member rows numbered from `mid`, generated while they are copied."""
    rnd = synth.rnd
    for branch_id, path, town_id in branches:
        for k in range(MEMBERS_PER_BRANCH):
            ph, idn = synth.phone(), synth.id_number()
            yield (
                mid,
                branch_id,
                path,
                town_id,
                synth.name(),
                rnd.choice("MF"),
                rnd.choice(STATUSES),
                dt.date(rnd.randint(1970, 2024), rnd.randint(1, 12), 1),
                "secretary" if k == 0 else "",
                *sealed(ph),
                *sealed(idn),
                True,
                True,
            )
            mid += 1


def build_party(synth: Synth) -> None:
    assert synth.root is not None
    roots = Organization.objects.get_root_nodes().order_by("-path").values_list("path", flat=True)
    last = roots.first()
    tree = _OrgTree()
    tree.walk(synth.root, segment((int(last[:STEP], 36) if last else 0) + 1))
    synth.summary.organizations = BulkRows(Organization, ORG_COLUMNS).write(tree.rows)
    # The first id is read before the COPY starts: no query can run during one.
    members = _members(synth, tree.branches, next_id(Member))
    synth.summary.members = BulkRows(Member, MEMBER_COLUMNS).write(members)
