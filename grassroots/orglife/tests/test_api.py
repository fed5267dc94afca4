"""The meetings API: scoped list and detail, create through the service, errors as 400."""

from __future__ import annotations

import datetime as dt
from typing import Any

from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.orglife.models import Meeting
from grassroots.orglife.tests.helpers import meeting
from grassroots.testing import Town


def test_the_list_and_detail_are_scoped(api_for: Any, town: Town, today: dt.date) -> None:
    a = meeting(town.alice, town.branch_a, today, present=[town.member_a])
    b = meeting(town.alice, town.branch_b, today)
    rows = api_for("sam").get("/api/meetings/").json()["results"]
    assert [r["id"] for r in rows] == [a.pk]
    assert rows[0]["attendance"][0]["status"] == "present"
    assert api_for("sam").get(f"/api/meetings/{b.pk}/").status_code == 404
    assert api_for("ivan").get(f"/api/meetings/{b.pk}/").status_code == 200
    assert {r["id"] for r in api_for("olga").get("/api/meetings/").json()["results"]} == {
        a.pk,
        b.pk,
    }
    kinds = api_for("olga").get("/api/meetings/", {"branch": town.branch_b.pk}).json()["results"]
    assert [r["id"] for r in kinds] == [b.pk]


def test_create_goes_through_the_service(api_for: Any, town: Town, today: dt.date) -> None:
    body = {
        "organization": town.branch_a.pk,
        "kind": "life_meeting",
        "held_on": "2026-03-09",
        "place": "村部",
        "topic": "年度组织生活会",
        "present": [],
        "excused": [{"member": town.member_a.pk, "reason": "住院"}],
    }
    response = api_for("sam").post("/api/meetings/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["attendance"] == [
        {
            "member": town.member_a.pk,
            "member_name": town.member_a.name,
            "status": "excused",
            "reason": "住院",
        }
    ]
    assert AuditEvent.objects.filter(action=Action.ORGLIFE_MEETING_RECORDED).count() == 1


def test_bad_input_is_a_400_that_names_the_field_and_writes_nothing(
    api_for: Any, town: Town, today: dt.date
) -> None:
    body = {
        "organization": town.branch_a.pk,
        "kind": "party_day",
        "held_on": "2026-03-11",
        "place": "村部",
        "topic": "主题",
        "present": [town.member_a.pk],
    }
    future = api_for("sam").post("/api/meetings/", body, format="json")
    assert future.status_code == 400 and "held_on" in future.json()
    body["held_on"] = "2026-03-09"
    body["organization"] = town.branch_b.pk  # out of sam's reach: as if it did not exist
    assert api_for("sam").post("/api/meetings/", body, format="json").status_code == 400
    body["organization"] = town.branch_a.pk
    body["present"] = [town.member_b.pk]  # a member sam does not reach
    assert api_for("sam").post("/api/meetings/", body, format="json").status_code == 400
    stranger = api_for("alice").post("/api/meetings/", body, format="json")  # alice reaches both
    assert stranger.status_code == 400 and "present" in stranger.json()
    assert api_for("ivan").post("/api/meetings/", body, format="json").status_code in (400, 403)
    assert not Meeting.objects.exists()
