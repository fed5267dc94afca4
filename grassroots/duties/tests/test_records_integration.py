"""Acceptance 2 across the apps: recording a meeting (orglife), logging a guidance visit
(party) or signing off a rectification (rectify) completes the branch's linked duty of the
period by itself, with a link to the record that the secretary can open."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from grassroots.core import clock
from grassroots.duties import services
from grassroots.duties.models import Assignment, Cadence, Category, DueRule
from grassroots.duties.tests.conftest import make_plan
from grassroots.orglife import services as orglife
from grassroots.orglife.models import Meeting
from grassroots.party import services as party
from grassroots.testing import Town

pytestmark = pytest.mark.django_db
WED = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def linked(kind: str, title: str, cadence: str = Cadence.MONTHLY) -> dict[str, object]:
    return {
        "title": title,
        "category": Category.ORG_LIFE,
        "cadence": cadence,
        "due_rule": DueRule.LAST_WORKING_DAY,
        "weight": 50,
        "completes_on": kind,
    }


def test_a_recorded_meeting_completes_the_months_party_day_with_a_link(
    town: Town, client_for
) -> None:
    clock.set_now(WED)
    make_plan(
        town,
        linked("orglife.meeting.party_day", "主题党日"),
        linked("party.guidance_visit", "党建指导员联系指导", Cadence.QUARTERLY),
    )
    services.generate(on=WED.date())
    duty = Assignment.objects.get(organization=town.branch_a, version__title="主题党日")
    assert duty.status == Assignment.Status.NOT_STARTED

    meeting = orglife.meeting_record(
        actor=town.sam,
        organization=town.branch_a,
        kind="party_day",
        held_on=WED.date(),
        place="村党群服务中心",
        topic="学习党的二十届三中全会精神",
        present=[town.member_a],
    )
    duty.refresh_from_db()
    assert duty.status == Assignment.Status.DONE
    assert (duty.record_kind, duty.record_id, duty.done_by) == (
        "orglife.meeting.party_day",
        meeting.pk,
        None,
    )
    # branch_b held no Party day: its duty is untouched.
    other = Assignment.objects.get(organization=town.branch_b, version__title="主题党日")
    assert other.status == Assignment.Status.NOT_STARTED
    # The secretary's week links to the meeting, and the link opens for her.
    page = client_for("sam").get(reverse("duties:week")).content.decode()
    url = reverse("orglife:meeting", args=[meeting.pk])
    assert url in page
    assert client_for("sam").get(url).status_code == 200
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_a_guidance_visit_completes_the_quarters_instructor_duty(town: Town) -> None:
    clock.set_now(WED)
    make_plan(
        town,
        linked("orglife.meeting.party_day", "主题党日"),
        linked("party.guidance_visit", "党建指导员联系指导", Cadence.QUARTERLY),
    )
    services.generate(on=WED.date())
    visit = party.guidance_visit_log(actor=town.ivan, organization=town.branch_b, topic="指导")
    duty = Assignment.objects.get(organization=town.branch_b, version__title="党建指导员联系指导")
    assert (duty.status, duty.record_kind, duty.record_id) == (
        Assignment.Status.DONE,
        "party.guidance_visit",
        visit.pk,
    )
