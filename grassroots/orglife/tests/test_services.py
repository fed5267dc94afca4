"""Recording meetings: validation, attendance, audit, the record event, corrections."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from grassroots.core import clock
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.orglife import services
from grassroots.orglife.models import Attendance, Meeting, MeetingKind
from grassroots.orglife.tests.helpers import PDF, meeting, pdf
from grassroots.party import services as party
from grassroots.party.models import Organization
from grassroots.testing import Town


@pytest.fixture
def roster(town: Town) -> list[Any]:
    """branch_a: member_a (the secretary) and two more members; one has left."""
    more = [
        party.member_create(actor=town.root, organization=town.branch_a, name=name)
        for name in ("李明", "王芳", "赵离")
    ]
    party.member_update(actor=town.root, member=more[2], active=False)
    return [town.member_a, *more[:2]]


def test_recording_keeps_attendance_counts_audit_and_emits_once(
    town: Town, roster: list[Any], today: dt.date, seen: list[dict[str, Any]]
) -> None:
    secretary, li, wang = roster
    m = meeting(
        town.sam,
        town.branch_a,
        today,
        kind=MeetingKind.BRANCH_ASSEMBLY,
        present=[secretary, li],
        excused={wang: "外出务工"},
        host="张书记",
    )
    assert (m.expected, m.present, m.branch, m.org_path) == (
        3,
        2,
        town.branch_a,
        town.branch_a.path,
    )
    statuses = dict(Attendance.objects.filter(meeting=m).values_list("member__name", "status"))
    assert statuses == {secretary.name: "present", "李明": "present", "王芳": "excused"}
    assert Attendance.objects.get(meeting=m, member=wang).reason == "外出务工"
    event = AuditEvent.objects.get(action=Action.ORGLIFE_MEETING_RECORDED)
    assert (event.object_id, event.actor) == (str(m.pk), town.sam)
    assert seen == [
        {
            "kind": "orglife.meeting.branch_assembly",
            "organization_id": town.branch_a.pk,
            "on": today,
            "record_id": m.pk,
        }
    ]


def test_absent_is_whoever_was_not_ticked(town: Town, roster: list[Any], today: dt.date) -> None:
    m = meeting(town.sam, town.branch_a, today, present=[roster[0]])
    assert m.present == 1
    assert Attendance.objects.filter(meeting=m, status="absent").count() == 2


def test_a_future_date_is_refused_and_nothing_is_written(
    town: Town, today: dt.date, seen: list[dict[str, Any]]
) -> None:
    with pytest.raises(ValidationError) as exc:
        meeting(town.sam, town.branch_a, today + dt.timedelta(days=1))
    assert "held_on" in exc.value.message_dict
    assert not Meeting.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.ORGLIFE_MEETING_RECORDED).exists()
    assert seen == []


def test_a_member_of_another_branch_is_a_field_error(town: Town, today: dt.date) -> None:
    with pytest.raises(ValidationError) as exc:
        meeting(town.alice, town.branch_a, today, present=[town.member_a, town.member_b])
    assert town.member_b.name in exc.value.message_dict["present"][0]
    assert not Meeting.objects.exists()


def test_present_and_excused_at_once_is_refused(town: Town, today: dt.date) -> None:
    with pytest.raises(ValidationError) as exc:
        meeting(
            town.sam, town.branch_a, today, present=[town.member_a], excused={town.member_a: ""}
        )
    assert "excused" in exc.value.message_dict


def test_blank_place_and_unknown_kind_are_field_errors(town: Town, today: dt.date) -> None:
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(
            actor=town.sam,
            organization=town.branch_a,
            kind="picnic",
            held_on=today,
            place=" ",
            topic="x",
            present=[],
        )
    assert {"kind", "place"} <= set(exc.value.message_dict)


def test_the_committee_itself_does_not_hold_branch_meetings(town: Town, today: dt.date) -> None:
    with pytest.raises(ValidationError) as exc:
        meeting(town.olga, town.committee, today)
    assert "organization" in exc.value.message_dict


def test_a_secretary_cannot_record_for_another_branch(town: Town, today: dt.date) -> None:
    with pytest.raises(Http404):
        meeting(town.sam, town.branch_b, today)
    assert not Meeting.objects.exists()


def test_an_instructor_and_an_outsider_may_not_record(town: Town, today: dt.date) -> None:
    for user in (town.ivan, town.oscar):
        with pytest.raises(PermissionDenied):
            meeting(user, town.branch_b, today)


def test_one_file_is_kept_by_content(town: Town, today: dt.date, media: Any) -> None:
    m = meeting(town.sam, town.branch_a, today, file=pdf("会议纪要.PDF"))
    assert (m.file_type, m.file_name) == ("application/pdf", "会议纪要.PDF")
    assert m.file.name.endswith(".pdf") and "会议纪要" not in m.file.name
    assert m.file.read() == PDF


def test_a_second_file_is_refused(town: Town, today: dt.date, media: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        meeting(town.sam, town.branch_a, today, file=[pdf(), pdf("b.pdf")])
    assert "file" in exc.value.message_dict
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00 not a document", b"<html><script>alert(1)</script>", b"PK\x03\x04broken zip"],
)
def test_a_file_is_judged_by_content_not_by_name(
    town: Town, today: dt.date, media: Any, content: bytes
) -> None:
    fake = SimpleUploadedFile("minutes.pdf", content, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        meeting(town.sam, town.branch_a, today, file=fake)
    assert "file" in exc.value.message_dict


def test_a_file_over_ten_megabytes_is_refused(town: Town, today: dt.date, media: Any) -> None:
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError):
        meeting(town.sam, town.branch_a, today, file=big)


def test_a_party_group_meeting_counts_for_its_branch(
    town: Town, today: dt.date, seen: list[dict[str, Any]]
) -> None:
    group = party.organization_create(
        actor=town.root, parent=town.branch_a, kind=Organization.Kind.GROUP, name="第一党小组"
    )
    member = party.member_create(actor=town.root, organization=group, name="陈组员")
    m = meeting(town.sam, group, today, kind=MeetingKind.GROUP_MEETING, present=[member])
    assert (m.organization, m.branch, m.expected) == (group, town.branch_a, 1)
    assert seen[-1]["organization_id"] == town.branch_a.pk


def test_a_correction_within_30_days_is_audited_and_a_moved_date_emits_again(
    town: Town, roster: list[Any], today: dt.date, seen: list[dict[str, Any]]
) -> None:
    m = meeting(town.sam, town.branch_a, today, present=roster)
    clock.set_now(timezone.make_aware(dt.datetime(2026, 4, 9, 9, 0)))  # day 30
    services.meeting_update(actor=town.sam, meeting=m, topic="改正后的主题", present=roster[:1])
    m.refresh_from_db()
    assert (m.topic, m.present, m.expected) == ("改正后的主题", 1, 3)
    assert len(seen) == 1  # the date did not move
    services.meeting_update(actor=town.sam, meeting=m, held_on=dt.date(2026, 3, 2))
    assert seen[-1]["on"] == dt.date(2026, 3, 2) and len(seen) == 2
    assert AuditEvent.objects.filter(action=Action.ORGLIFE_MEETING_UPDATED).count() == 2


def test_a_correction_after_30_days_is_refused_with_the_last_day(
    town: Town, today: dt.date
) -> None:
    m = meeting(town.sam, town.branch_a, today)
    clock.set_now(timezone.make_aware(dt.datetime(2026, 4, 10, 9, 0)))  # day 31
    with pytest.raises(ValidationError) as exc:
        services.meeting_update(actor=town.sam, meeting=m, topic="太迟了")
    assert "2026-04-09" in exc.value.messages[0]
    m.refresh_from_db()
    assert m.topic != "太迟了"


def test_a_correction_out_of_reach_is_404(town: Town, today: dt.date) -> None:
    m = meeting(town.alice, town.branch_b, today)
    with pytest.raises(Http404):
        services.meeting_update(actor=town.sam, meeting=m, topic="不是我的")


def test_a_committee_meeting_expects_the_committee_and_a_talk_only_those_named(
    town: Town, roster: list[Any], today: dt.date
) -> None:
    secretary, li, wang = roster  # member_a holds the secretary post
    m = meeting(town.sam, town.branch_a, today, kind=MeetingKind.COMMITTEE_MEETING, present=[])
    assert (m.expected, m.present) == (1, 0)
    m = meeting(town.sam, town.branch_a, today, kind=MeetingKind.COMMITTEE_MEETING, present=[li])
    assert (m.expected, m.present) == (2, 1)  # li attended without a seat (列席)
    talk = meeting(town.sam, town.branch_a, today, kind=MeetingKind.HEART_TALK, present=[wang])
    assert (talk.expected, talk.present) == (1, 1)
    assert not Attendance.objects.filter(meeting=talk, status="absent").exists()
