"""Acceptance 3: hours and coverage per branch match a hand-computed fixture, and the list
of members behind their yearly hours is right."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grassroots.trainings import measures
from grassroots.trainings.models import Attendance, Enrolment
from grassroots.trainings.services import enrolment, programmes
from grassroots.trainings.services.attendance import attend
from grassroots.trainings.tests.prog_helpers import training

pytestmark = pytest.mark.django_db
M = Attendance.Method


def _fixture(town):
    """Branch A: 王书记 (secretary) at s1 (4 h) and s2 (2 h) = 6 h; 甲党员 nowhere.
    Branch B: 赵党员 at s1 = 4 h; 乙党员 at s2 = 2 h."""
    t = training(town)
    e = {x.name: x for x in Enrolment.objects.filter(programme=t["programme"])}
    main = t["venues"][0]
    attend(actor=town.alice, session=t["s1"], enrolment=e["王书记"], method=M.MANUAL, venue=main)
    attend(actor=town.alice, session=t["s2"], enrolment=e["王书记"], method=M.MANUAL)
    attend(actor=town.alice, session=t["s1"], enrolment=e["赵党员"], method=M.MANUAL, venue=main)
    attend(actor=town.alice, session=t["s2"], enrolment=e["乙党员"], method=M.MANUAL)
    return t, e


def test_hours_and_coverage_per_branch_by_hand(town):
    t, e = _fixture(town)
    people = measures.year_people(town.alice, 2026, town.town.pk)
    hours = {p.name: p.hours for p in people}
    assert hours == {"王书记": Decimal(6), "甲党员": 0, "赵党员": Decimal(4), "乙党员": Decimal(2)}
    branches = {b.branch: b for b in measures.by_branch(people)}
    a, b = branches["明月村党支部"], branches["上杉市村党支部"]
    assert (a.enrolled, a.covered, a.hours, a.coverage) == (2, 1, Decimal(6), 0.5)
    assert (b.enrolled, b.covered, b.hours, b.coverage) == (2, 2, Decimal(6), 1.0)
    # the programme's figures: 2 held sessions (s3 is to come) → 4 slots per branch
    rows = {r.label: r for r in measures.programme_rows(town.alice, t["programme"], "branch")}
    assert (rows["明月村党支部"].present, rows["明月村党支部"].rate) == (2, 0.5)
    assert (rows["上杉市村党支部"].present, rows["上杉市村党支部"].rate) == (2, 0.5)
    villages = {r.label: r for r in measures.programme_rows(town.alice, t["programme"], "village")}
    assert villages["明月村"].coverage == 0.5 and villages["上杉市村"].coverage == 1.0


def test_the_behind_list(town):
    _fixture(town)
    people = measures.year_people(town.alice, 2026, town.town.pk)
    behind = measures.behind(people)
    # secretary needs 56, members 32: all four are behind, the furthest first
    assert [(p.name, p.missing) for p in behind] == [
        ("王书记", Decimal(50)),
        ("甲党员", Decimal(32)),
        ("乙党员", Decimal(30)),
        ("赵党员", Decimal(28)),
    ]
    programmes.hours_requirement_set(
        actor=town.alice, town=town.town, year=2026, member_hours=4, secretary_hours=6
    )
    people = measures.year_people(town.alice, 2026, town.town.pk)
    assert [p.name for p in measures.behind(people)] == ["甲党员", "乙党员"]


def test_excused_people_are_not_counted_and_scope_narrows(town):
    t, e = _fixture(town)
    enrolment.enrolment_excuse(actor=town.alice, enrolment=e["甲党员"], reason="长期外出")
    people = measures.year_people(town.alice, 2026, town.town.pk)
    a = {b.branch: b for b in measures.by_branch(people)}["明月村党支部"]
    assert (a.enrolled, a.coverage) == (1, 1.0)
    # the secretary of village A sees branch A only
    sam_people = measures.year_people(town.sam, 2026, town.town.pk)
    assert {p.branch for p in sam_people} == {"明月村党支部"}
    assert measures.year_people(town.oscar, 2026, town.town.pk) == []


def test_session_rows_by_branch_and_venue(town):
    t, _ = _fixture(town)
    rows = measures.session_rows(town.alice, t["s1"])
    assert {r.label: r.present for r in rows["branches"]} == {
        "明月村党支部": 1,
        "上杉市村党支部": 1,
    }
    assert {r.label: r.present for r in rows["venues"]} == {"镇党群服务中心": 2}
