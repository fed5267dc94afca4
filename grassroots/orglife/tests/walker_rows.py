"""Meeting rows for the scope walker: one in the far town, one per branch of the persona town."""

from __future__ import annotations

import datetime as dt
from typing import Any

from grassroots.orglife import services
from grassroots.orglife.models import MeetingKind
from grassroots.testing import Town


def far_rows(root: Any, far: dict[str, Any]) -> dict[str, Any]:
    meeting = services.meeting_record(
        actor=root,
        organization=far["branch"],
        kind=MeetingKind.PARTY_DAY,
        held_on=dt.date(2026, 1, 5),
        place="远山村村部",
        topic="远方主题党日",
        present=[far["member"]],
    )
    return {"meeting": meeting}


def town_rows(town: Town) -> None:
    for branch, member in ((town.branch_a, town.member_a), (town.branch_b, town.member_b)):
        services.meeting_record(
            actor=town.root,
            organization=branch,
            kind=MeetingKind.COMMITTEE_MEETING,
            held_on=dt.date(2026, 1, 6),
            place="村部会议室",
            topic="支委会",
            present=[member],
        )
