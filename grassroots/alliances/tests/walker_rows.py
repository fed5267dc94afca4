"""Alliance and project rows for the scope walker: one set in the far town, one in the persona town."""

from __future__ import annotations

import datetime as dt
from typing import Any

from grassroots.alliances import services
from grassroots.alliances.models import AllianceKind, UnitKind
from grassroots.testing import Town


def far_rows(root: Any, far: dict[str, Any]) -> dict[str, Any]:
    alliance = services.alliance_create(
        actor=root, name="远方党建联盟", kind=AllianceKind.ALLIANCE, lead=far["committee"]
    )
    member = services.alliance_member_add(actor=root, alliance=alliance, organization=far["branch"])
    project = services.project_create(
        actor=root,
        title="远方创新项目",
        organization=far["branch"],
        alliance=alliance,
        starts_on=dt.date(2026, 1, 1),
        due_on=dt.date(2026, 12, 31),
    )
    milestone = services.milestone_add(
        actor=root, project=project, title="远方节点", due_on=dt.date(2026, 6, 30)
    )
    return {
        "alliance": alliance,
        "alliance_member": member,
        "project": project,
        "milestone": milestone,
    }


def town_rows(town: Town) -> None:
    alliance = services.alliance_create(
        actor=town.root, name="稻香党建联盟", kind=AllianceKind.ALLIANCE, lead=town.branch_a
    )
    services.alliance_member_add(actor=town.root, alliance=alliance, organization=town.branch_b)
    services.alliance_member_add(
        actor=town.root, alliance=alliance, unit_name="稻香合作社", unit_kind=UnitKind.COOPERATIVE
    )
    for branch in (town.branch_a, town.branch_b):
        project = services.project_create(
            actor=town.root,
            title=f"{branch.name}创新项目",
            organization=branch,
            alliance=alliance,
            starts_on=dt.date(2026, 1, 1),
            due_on=dt.date(2026, 12, 31),
        )
        services.milestone_add(
            actor=town.root, project=project, title="方案制定", due_on=dt.date(2026, 3, 31)
        )
