"""Programmes, venues, sessions, enrolment and make-up through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from grassroots.core.audit import Action, AuditEvent
from grassroots.party import services as party
from grassroots.trainings.models import Attendance, Audience, Enrolment, Kind, Programme, Session
from grassroots.trainings.services import enrolment, layout, makeup, programmes
from grassroots.trainings.services.attendance import attend
from grassroots.trainings.tests.prog_helpers import at, training

pytestmark = pytest.mark.django_db
M = Attendance.Method


def test_programme_created_audited_and_scoped(town):
    t = training(town)
    p = t["programme"]
    assert p.town == town.town and p.org_path == town.committee.path
    assert AuditEvent.objects.filter(
        action=Action.TRAININGS_PROGRAMME_CREATED, object_id=str(p.pk)
    ).exists()
    # down from the committee, up from the audience; nobody else
    assert Programme.objects.visible_to(town.sam).filter(pk=p.pk).exists()
    assert not Programme.objects.visible_to(town.oscar).filter(pk=p.pk).exists()
    [main] = [v for v in t["venues"] if v.is_main]
    assert main.place == town.town and len(t["venues"]) == 3


def test_only_managers_who_reach_the_committee(town):
    with pytest.raises(PermissionDenied):
        programmes.programme_create(
            actor=town.sam,
            organization=town.committee,
            name="x",
            kind=Kind.MEMBER_TRAINING,
            audience=Audience.MEMBERS,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 2, 1),
        )
    t = training(town)
    with pytest.raises(PermissionDenied):
        programmes.programme_open(actor=town.sam, programme=t["programme"])


def test_status_moves_name_the_allowed_ones(town):
    p = training(town)["programme"]
    with pytest.raises(ValidationError) as err:
        programmes.programme_close(actor=town.alice, programme=p)
    assert str(Programme.Status.OPEN.label) in str(err.value)
    programmes.programme_open(actor=town.alice, programme=p)
    programmes.programme_close(actor=town.alice, programme=p)
    assert p.status == Programme.Status.CLOSED
    assert AuditEvent.objects.filter(action=Action.TRAININGS_PROGRAMME_STATUS_CHANGED).count() == 2


def test_residents_only_for_skills_courses(town):
    with pytest.raises(ValidationError) as err:
        programmes.programme_create(
            actor=town.alice,
            organization=town.committee,
            name="x",
            kind=Kind.MEMBER_TRAINING,
            audience=Audience.RESIDENTS,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 2, 1),
        )
    assert "audience" in err.value.message_dict


def test_session_date_is_local_date_and_checks(town):
    t = training(town)
    s = t["s1"]
    assert s.on == dt.date(2026, 3, 5)
    with pytest.raises(ValidationError) as err:
        programmes.session_create(
            actor=town.alice,
            programme=t["programme"],
            topic="",
            starts_at=at(6),
            ends_at=at(5),
            hours=0,
        )
    assert {"topic", "ends_at", "hours"} & set(err.value.message_dict)
    with pytest.raises(ValidationError):
        programmes.session_create(
            actor=town.alice,
            programme=t["programme"],
            topic="x",
            starts_at=at(6),
            ends_at=at(6, hour=10),
            hours=2,
        )  # offline without a venue
    programmes.session_update(
        actor=town.alice, session=s, starts_at=at(7, hour=20), ends_at=at(7, hour=22)
    )
    s.refresh_from_db()
    assert s.on == dt.date(2026, 3, 7)


def test_a_session_with_attendance_keeps_its_hours_and_is_not_cancelled(town):
    t = training(town)
    e = Enrolment.objects.get(member=town.member_a)
    attend(actor=town.alice, session=t["s1"], enrolment=e, method=M.MANUAL, venue=t["venues"][0])
    with pytest.raises(ValidationError):
        programmes.session_update(actor=town.alice, session=t["s1"], hours=5)
    with pytest.raises(ValidationError):
        programmes.session_cancel(actor=town.alice, session=t["s1"])
    programmes.session_cancel(actor=town.alice, session=t["s3"])
    assert Session.objects.get(pk=t["s3"].pk).cancelled


def test_lay_out_from_configuration(town):
    t = training(town)
    p = programmes.programme_create(
        actor=town.alice,
        organization=town.committee,
        name="“123”模式",
        kind=Kind.MEMBER_TRAINING,
        audience=Audience.MEMBERS,
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2027, 3, 31),
        layout={
            "name": "123",
            "sessions": [
                {"mode": "offline", "venues": "main", "count": 1, "hours": 4, "topics": ["开班"]},
                {"mode": "offline", "venues": "subs", "count": 2, "hours": 3},
                {"mode": "online", "count": 3, "hours": 2, "material": "材料", "seconds": 900},
            ],
        },
    )
    programmes.venues_per_village(
        actor=town.alice, programme=p, main_name="主会场", sub_suffix="分会场"
    )
    made = layout.lay_out(actor=town.alice, programme=p)
    assert [s.mode for s in made] == ["offline"] * 3 + ["online"] * 3
    assert [v.is_main for v in made[0].venues.all()] == [True]
    assert made[1].venues.count() == 2 and made[3].material_seconds == 900
    assert made[0].on < made[-1].on <= p.ends_on
    with pytest.raises(ValidationError):
        layout.lay_out(actor=town.alice, programme=p)
    assert t["programme"].sessions.count() == 3


def test_enrolment_from_the_audience_is_idempotent(town):
    t = training(town)
    assert t["added"] == 4  # 王书记, 甲党员 in A; 赵党员, 乙党员 in B
    e = Enrolment.objects.get(member=town.member_a)
    assert e.branch == town.branch_a and e.village == town.village_a and e.is_secretary
    enrolment.enrolment_excuse(actor=town.alice, enrolment=e, reason="外出务工")
    party.member_create(actor=town.root, organization=town.branch_b, name="新党员")
    assert enrolment.enrol_audience(actor=town.alice, programme=t["programme"]) == 1
    e.refresh_from_db()
    assert e.status == Enrolment.Status.EXCUSED
    assert enrolment.enrol_audience(actor=town.alice, programme=t["programme"]) == 0


def test_secretaries_audience(town):
    p = programmes.programme_create(
        actor=town.alice,
        organization=town.committee,
        name="书记轮训",
        kind=Kind.SECRETARY_TRAINING,
        audience=Audience.SECRETARIES,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    assert enrolment.enrol_audience(actor=town.alice, programme=p) == 1
    assert Enrolment.objects.get(programme=p).member == town.member_a


def test_residents_enrol_without_a_member_record(town):
    p = programmes.programme_create(
        actor=town.alice,
        organization=town.committee,
        name="果蔬种植",
        kind=Kind.VILLAGER_SKILLS,
        audience=Audience.RESIDENTS,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 2, 1),
        villages=[town.village_b],
    )
    assert enrolment.enrol_audience(actor=town.alice, programme=p) == 1
    row = Enrolment.objects.get(programme=p)
    assert row.member is None and row.village == town.village_b and row.name == "赵铁柱"
    assert Enrolment.objects.visible_to(town.rita).filter(pk=row.pk).count() <= 1


def test_add_excuse_reinstate(town):
    t = training(town)
    far = party.member_create(actor=town.root, organization=town.branch_firm, name="企业党员")
    row = enrolment.enrolment_add(actor=town.alice, programme=t["programme"], member=far)
    assert row.source == Enrolment.Source.ADDED and row.branch == town.branch_firm
    with pytest.raises(ValidationError):
        enrolment.enrolment_add(actor=town.alice, programme=t["programme"], member=far)
    with pytest.raises(ValidationError) as err:
        enrolment.enrolment_excuse(actor=town.alice, enrolment=row, reason="  ")
    assert "reason" in err.value.message_dict
    enrolment.enrolment_excuse(actor=town.alice, enrolment=row, reason="生病住院")
    enrolment.enrolment_reinstate(actor=town.alice, enrolment=row)
    assert AuditEvent.objects.filter(action=Action.TRAININGS_ENROLMENT_REINSTATED).count() == 1
    # rerun leaves the hand-added alone
    assert enrolment.enrol_audience(actor=town.alice, programme=t["programme"]) == 0
    assert Enrolment.objects.filter(pk=row.pk).exists()


def test_makeup_and_home_lesson(town):
    t = training(town)
    e_a = Enrolment.objects.get(member=town.member_a)
    e_b = Enrolment.objects.get(member=town.member_b)
    mk = makeup.makeup_create(
        actor=town.sam, session=t["s1"], starts_at=at(15), ends_at=at(15, hour=11)
    )
    assert mk.makeup_of == t["s1"] and mk.hours == t["s1"].hours
    assert makeup.makeup_record(actor=town.sam, makeup=mk, enrolments=[e_a]) == 1
    row = Attendance.objects.get(enrolment=e_a)
    assert row.session == t["s1"] and row.makeup_session == mk and row.method == M.MAKEUP
    with pytest.raises(Http404):  # sam does not reach branch B's member
        makeup.home_lesson(actor=town.sam, session=t["s1"], enrolment=e_b, note="送学上门")
    with pytest.raises(ValidationError):
        makeup.home_lesson(actor=town.ivan, session=t["s1"], enrolment=e_b, note=" ")
    home = makeup.home_lesson(actor=town.ivan, session=t["s1"], enrolment=e_b, note="到家中送学")
    assert home.method == M.HOME and home.hours == 4


def test_hours_requirement(town):
    row = programmes.hours_requirement_set(
        actor=town.alice, town=town.town, year=2026, member_hours=40, secretary_hours=60
    )
    assert row.member_hours == 40
    with pytest.raises(ValidationError):
        programmes.hours_requirement_set(
            actor=town.alice, town=town.town, year=2026, member_hours=0, secretary_hours=60
        )
    with pytest.raises(PermissionDenied):
        programmes.hours_requirement_set(
            actor=town.sam, town=town.town, year=2026, member_hours=40, secretary_hours=60
        )
