"""Rows of rectification for the scope walker (core/tests/walker/world.py finds this module).

The far town's items are registered a year later than the persona town's, so that their
ledger numbers (unique per town and year) never coincide with a reachable item's: the
walker looks for unreachable numbers on the ledger and print pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from grassroots.core import clock
from grassroots.rectify import services
from grassroots.rectify.models import Kind, Source
from grassroots.testing import Town


def _item(actor: Any, organization: Any, problem: str) -> Any:
    item = services.item_register(
        actor=actor,
        organization=organization,
        source=Source.SUPERVISION,
        problem=problem,
        kind=Kind.DEADLINE,
        deadline=clock.today() + dt.timedelta(days=15),
    )
    item = services.item_hand_over(actor=actor, item=item)
    services.extension_request(
        actor=actor, item=item, new_deadline=item.deadline + dt.timedelta(days=30), reason="延期"
    )
    return item


def town_rows(town: Town) -> None:
    for org in (town.branch_a, town.branch_b, town.branch_firm):
        _item(town.root, org, f"{org.name}整改事项")


def far_rows(root: Any, far: dict[str, Any]) -> dict[str, Any]:
    with clock.frozen(clock.now() + dt.timedelta(days=366)):
        item = _item(root, far["branch"], "远方整改事项")
    return {"rectify_item": item}
