"""Record kinds: meetings and guidance visits registered, finders earliest per branch in the window."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse

from grassroots.core import records
from grassroots.orglife.models import MeetingKind
from grassroots.orglife.tests.helpers import meeting
from grassroots.party import services as party
from grassroots.testing import Town


def test_every_meeting_kind_is_a_record_kind_linking_to_the_meeting() -> None:
    for kind in MeetingKind.values:
        found = records.get(f"orglife.meeting.{kind}")
        assert found is not None and found.url_name == "orglife:meeting"
    assert records.get("orglife.meeting.party_day").url(7) == "/orglife/7/"
    assert "orglife.meeting.heart_talk" in dict(records.choices())


def test_the_meeting_finder_returns_the_earliest_per_branch_inside_the_window(
    town: Town, today: dt.date
) -> None:
    a_late = meeting(town.alice, town.branch_a, dt.date(2026, 3, 5))
    a_early = meeting(town.alice, town.branch_a, dt.date(2026, 3, 2))
    meeting(town.alice, town.branch_a, dt.date(2026, 2, 28))  # before the window
    meeting(town.alice, town.branch_a, dt.date(2026, 3, 1), kind=MeetingKind.PARTY_LECTURE)
    b = meeting(town.alice, town.branch_b, dt.date(2026, 3, 10))  # on the last day
    meeting(town.alice, town.branch_firm, dt.date(2026, 3, 3))  # not asked about
    find = records.get("orglife.meeting.party_day").find
    found = find([town.branch_a.pk, town.branch_b.pk], dt.date(2026, 3, 1), dt.date(2026, 3, 10))
    assert found == {
        town.branch_a.pk: (a_early.pk, dt.date(2026, 3, 2)),
        town.branch_b.pk: (b.pk, dt.date(2026, 3, 10)),
    }
    assert a_late.pk not in {pk for pk, _ in found.values()}
    assert find([town.branch_b.pk], dt.date(2026, 3, 1), dt.date(2026, 3, 9)) == {}


def test_a_guidance_visit_emits_a_record_and_its_finder_and_page_answer(
    town: Town, today: dt.date, seen: list[dict[str, Any]], client_for: Any
) -> None:
    late = party.guidance_visit_log(
        actor=town.ivan, organization=town.branch_b, topic="指导支部换届", visited_on=today
    )
    early = party.guidance_visit_log(
        actor=town.ivan,
        organization=town.branch_b,
        topic="指导主题党日",
        visited_on=dt.date(2026, 3, 3),
    )
    assert seen == [
        {
            "kind": "party.guidance_visit",
            "organization_id": town.branch_b.pk,
            "on": today,
            "record_id": late.pk,
        },
        {
            "kind": "party.guidance_visit",
            "organization_id": town.branch_b.pk,
            "on": dt.date(2026, 3, 3),
            "record_id": early.pk,
        },
    ]
    kind = records.get("party.guidance_visit")
    assert kind.find([town.branch_b.pk, town.branch_a.pk], dt.date(2026, 3, 1), today) == {
        town.branch_b.pk: (early.pk, dt.date(2026, 3, 3))
    }
    assert kind.find([town.branch_b.pk], dt.date(2026, 3, 4), dt.date(2026, 3, 9)) == {}
    response = client_for("ivan").get(kind.url(early.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("party:org", args=[town.branch_b.pk]) + "#visits"
    assert client_for("sam").get(kind.url(early.pk)).status_code == 404
    assert Client().get(kind.url(early.pk)).status_code == 302  # to the login
