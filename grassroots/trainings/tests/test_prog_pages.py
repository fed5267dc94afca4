"""The programmes part's pages and API: scoped (out of reach answers 404), through the services."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from grassroots.core.audit import Action, AuditEvent
from grassroots.trainings.models import Attendance, Enrolment, Programme
from grassroots.trainings.services.attendance import attend
from grassroots.trainings.tests.prog_helpers import training

pytestmark = pytest.mark.django_db
M = Attendance.Method


def _held(town):
    t = training(town)
    for e in Enrolment.objects.filter(programme=t["programme"], branch=town.branch_a):
        attend(
            actor=town.alice, session=t["s1"], enrolment=e, method=M.MANUAL, venue=t["venues"][0]
        )
    return t


def test_pages_for_the_town(town, client_for):
    t = _held(town)
    c = client_for("alice")
    p = t["programme"]
    for url in (
        "/trainings/",
        f"/trainings/{p.pk}/",
        f"/trainings/sessions/{t['s1'].pk}/",
        f"/trainings/{p.pk}/enrolments/",
        "/trainings/hours/?year=2026",
        "/trainings/mine/",
        f"/trainings/{p.pk}/edit/",
        f"/trainings/{p.pk}/sessions/new/",
        "/trainings/new/",
        f"/trainings/sessions/{t['s1'].pk}/makeup/",
        f"/trainings/sessions/{t['s1'].pk}/home/",
        "/trainings/hours/requirement/",
    ):
        r = c.get(url)
        assert r.status_code == 200, url
    body = c.get(f"/trainings/{p.pk}/").content.decode()
    assert "明月村" in body and "上杉市村" in body
    session = c.get(f"/trainings/sessions/{t['s1'].pk}/").content.decode()
    assert "赵党员" in session  # absent in branch B


def test_secretary_sees_own_branch_and_outsider_nothing(town, client_for):
    t = _held(town)
    p = t["programme"]
    sam = client_for("sam")
    assert sam.get(f"/trainings/{p.pk}/").status_code == 200
    page = sam.get(f"/trainings/sessions/{t['s1'].pk}/").content.decode()
    assert "赵党员" not in page
    oscar = client_for("oscar")
    for url in (
        f"/trainings/{p.pk}/",
        f"/trainings/sessions/{t['s1'].pk}/",
        f"/trainings/{p.pk}/enrolments/",
        "/trainings/",
    ):
        assert oscar.get(url).status_code == 404, url
    assert oscar.get("/trainings/mine/").status_code == 200


def test_forms_and_actions_go_through_services(town, client_for):
    t = training(town)
    c = client_for("alice")
    p = t["programme"]
    r = c.post(f"/trainings/{p.pk}/do/open/")
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == Programme.Status.OPEN
    e = Enrolment.objects.get(member=town.member_b)
    c.post(f"/trainings/enrolments/{e.pk}/excuse/", {"reason": ""})
    e.refresh_from_db()
    assert e.status == "enrolled"  # no reason: refused
    c.post(f"/trainings/enrolments/{e.pk}/excuse/", {"reason": "在外务工"})
    e.refresh_from_db()
    assert e.status == "excused"
    r = c.post(
        f"/trainings/{p.pk}/sessions/new/",
        {
            "topic": "新课",
            "on": "2026-04-20",
            "start": "09:00",
            "end": "11:00",
            "mode": "offline",
            "hours": "2",
            "venues": [t["venues"][0].pk],
        },
    )
    assert r.status_code == 302
    assert p.sessions.filter(topic="新课").exists()
    r = c.post(
        "/trainings/hours/requirement/", {"year": 2026, "member_hours": 30, "secretary_hours": 50}
    )
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action=Action.TRAININGS_HOURS_SET).exists()


def test_makeup_and_home_pages(town, client_for):
    t = _held(town)
    c = client_for("ivan")  # instructor of branch B
    e = Enrolment.objects.get(member=town.member_b)
    r = c.post(
        f"/trainings/sessions/{t['s1'].pk}/makeup/",
        {"on": "2026-03-15", "start": "14:00", "end": "16:00", "present": [e.pk]},
    )
    assert r.status_code == 302
    assert Attendance.objects.get(enrolment=e, session=t["s1"]).method == M.MAKEUP
    extra = Enrolment.objects.get(member=t["extra_b"])
    r = c.post(
        f"/trainings/sessions/{t['s1'].pk}/home/", {"person": extra.pk, "note": "年老行动不便"}
    )
    assert r.status_code == 302
    assert Attendance.objects.get(enrolment=extra).method == M.HOME


def test_exports_are_scoped_and_audited(town, client_for):
    t = _held(town)
    r = client_for("sam").get("/trainings/hours/export/?year=2026")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    names = {row[0] for row in rows[1:]}
    assert names == {"王书记", "甲党员"}
    r = client_for("alice").get(f"/trainings/{t['programme'].pk}/enrolments/export/")
    assert len(list(load_workbook(io.BytesIO(r.content)).active.iter_rows())) == 5
    assert AuditEvent.objects.filter(action=Action.TRAININGS_EXPORTED).count() == 2


def test_api_lists_details_and_404(town, api_for):
    t = _held(town)
    p = t["programme"]
    alice, oscar, sam = api_for("alice"), api_for("oscar"), api_for("sam")
    assert alice.get("/api/training-programmes/").json()["count"] == 1
    m = alice.get(f"/api/training-programmes/{p.pk}/measures/").json()
    assert {r["label"] for r in m["villages"]} == {"明月村", "上杉市村"}
    for url in (
        f"/api/training-programmes/{p.pk}/",
        f"/api/training-sessions/{t['s1'].pk}/",
        f"/api/training-venues/{t['venues'][0].pk}/",
        f"/api/training-programmes/{p.pk}/measures/",
    ):
        assert oscar.get(url).status_code == 404, url
    e_b = Enrolment.objects.get(member=town.member_b)
    assert sam.get(f"/api/training-enrolments/{e_b.pk}/").status_code == 404
    assert sam.get("/api/training-attendances/").json()["count"] == 2
    r = alice.post(f"/api/training-enrolments/{e_b.pk}/excuse/", {"reason": "生病"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "excused"
    r = alice.post(f"/api/training-enrolments/{e_b.pk}/excuse/", {"reason": "再次"}, format="json")
    assert r.status_code == 400
    r = alice.post(
        "/api/training-sessions/",
        {
            "programme": p.pk,
            "topic": "API课",
            "starts_at": "2026-04-01T09:00:00+08:00",
            "ends_at": "2026-04-01T11:00:00+08:00",
            "hours": "2",
            "venues": [t["venues"][0].pk],
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    r = alice.post(f"/api/training-programmes/{p.pk}/open/")
    assert r.json()["status"] == "open"
    assert oscar.post(f"/api/training-programmes/{p.pk}/close/").status_code == 404


def test_the_officer_sets_the_towns_hours_and_who_cannot_export_sees_no_export(town, client_for):
    """The organisation officer (anchored at the committee, not the town) sets the town's
    yearly hours; an instructor (no export capability) is offered no export link."""
    t = _held(town)
    olga = client_for("olga")
    assert olga.get("/trainings/hours/requirement/").status_code == 200
    r = olga.post(
        "/trainings/hours/requirement/",
        {"year": 2026, "member_hours": 40, "secretary_hours": 60},
    )
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action=Action.TRAININGS_HOURS_SET).count() == 1
    assert "40" in olga.get("/trainings/hours/?year=2026").content.decode()
    ivan = client_for("ivan")
    page = ivan.get("/trainings/hours/?year=2026").content.decode()
    assert "/trainings/hours/export/" not in page
    assert ivan.get("/trainings/hours/export/?year=2026").status_code == 403
    enrolments = ivan.get(f"/trainings/{t['programme'].pk}/enrolments/")
    assert enrolments.status_code in (200, 404)
    assert "/enrolments/export/" not in enrolments.content.decode()
    assert client_for("oscar").get("/trainings/hours/requirement/").status_code in (403, 404)


def test_the_programme_list_and_a_sessions_attendance_export_scoped(town, client_for):
    t = _held(town)
    r = client_for("alice").get("/trainings/export/")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [t["programme"].name]
    r = client_for("alice").get(f"/trainings/sessions/{t['s1'].pk}/export/")
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))[1:]
    with translation.override("zh-hans"):
        said_present, said_absent = gettext("Present"), gettext("Absent")
    present = {row[0] for row in rows if row[2] == said_present}
    absent = {row[0] for row in rows if row[2] == said_absent}
    assert present == {"王书记", "甲党员"} and "赵党员" in absent
    # The secretary of village A gets her branch's rows only; the outsider nothing.
    r = client_for("sam").get(f"/trainings/sessions/{t['s1'].pk}/export/")
    names = {
        row[0] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)
    }
    assert "赵党员" not in names and "王书记" in names
    assert client_for("oscar").get(f"/trainings/sessions/{t['s1'].pk}/export/").status_code == 404
    assert AuditEvent.objects.filter(action=Action.TRAININGS_EXPORTED).count() == 3
