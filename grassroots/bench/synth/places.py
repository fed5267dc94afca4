"""The place tree: province → cities → counties → towns → villages → groups.

Treebeard's materialized paths (steplen 4, alphabet 0-9A-Z), `depth` and
`numchild` are computed here rather than by treebeard, one row at a time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

from grassroots.bench.synth.common import (
    COUNTIES_PER_CITY,
    GROUPS_PER_VILLAGE,
    HOUSEHOLDS_PER_GROUP,
    STEP,
    TOWNS_PER_COUNTY,
    VILLAGES_PER_TOWN,
    Node,
    Synth,
    root_name,
    segment,
)
from grassroots.core.rows import BulkRows, next_id
from grassroots.grid.models import Place

COLUMNS = ["id", "path", "depth", "numchild", "kind", "name", "code", "is_demo"]


class _Tree:
    """Nodes numbered from the next free place id, each under its parent."""

    def __init__(self, root_index: int, name: str) -> None:
        self.ids: Iterator[int] = iter(range(next_id(Place), 10**12))
        self.root = Node(next(self.ids), segment(root_index), 1, "province", name)
        self.nodes = [self.root]

    def child(self, parent: Node, kind: str, name: str) -> Node:
        node = Node(
            next(self.ids),
            parent.path + segment(len(parent.children) + 1),
            parent.depth + 1,
            kind,
            name,
        )
        parent.children.append(node)
        self.nodes.append(node)
        return node

    def spread(
        self,
        parents: list[Node],
        total: int,
        per: int,
        kind: str,
        label: Callable[[int, int], str],
    ) -> list[Node]:
        """`total` nodes, `per` under each parent in turn (the last takes the rest)."""
        out: list[Node] = []
        for i in range(total):
            parent = parents[min(i // per, len(parents) - 1)]
            out.append(self.child(parent, kind, label(i, len(parent.children) + 1)))
        return out


def build_places(synth: Synth) -> list[Node]:
    n_groups = math.ceil(synth.n / HOUSEHOLDS_PER_GROUP)
    n_villages = math.ceil(n_groups / GROUPS_PER_VILLAGE)
    n_towns = math.ceil(n_villages / VILLAGES_PER_TOWN)
    n_counties = math.ceil(n_towns / TOWNS_PER_COUNTY)
    n_cities = math.ceil(n_counties / COUNTIES_PER_CITY)
    roots = Place.objects.get_root_nodes().order_by("-path").values_list("path", flat=True)
    last = roots.first()
    tree = _Tree(
        (int(last[:STEP], 36) if last else 0) + 1,
        root_name(synth.n, synth.seed, synth.with_residents),
    )
    cities = tree.spread([tree.root], n_cities, n_cities, "city", lambda i, k: f"合成市{k}")
    counties = tree.spread(
        cities, n_counties, COUNTIES_PER_CITY, "county", lambda i, k: f"合成县{i + 1}"
    )
    towns = tree.spread(counties, n_towns, TOWNS_PER_COUNTY, "town", lambda i, k: f"合成镇{i + 1}")
    villages = tree.spread(towns, n_villages, VILLAGES_PER_TOWN, "village", lambda i, k: f"第{k}村")
    groups = tree.spread(villages, n_groups, GROUPS_PER_VILLAGE, "group", lambda i, k: f"{k}组")
    for town in towns:
        town.town = town
        for village in town.children:
            village.town = town
            for group in village.children:
                group.town = town
    for i in range(synth.n):
        groups[i // HOUSEHOLDS_PER_GROUP].households += 1
    written = BulkRows(Place, COLUMNS).write(
        (n.id, n.path, n.depth, len(n.children), n.kind, n.name, None, True) for n in tree.nodes
    )
    synth.summary.root_path = tree.root.path
    synth.summary.places = written
    synth.summary.towns = len(towns)
    synth.towns = towns
    synth.root = tree.root
    return tree.nodes
