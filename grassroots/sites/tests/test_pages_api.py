"""The board, a project page, the export, the photo view and the API: scoped, 404 out of reach;
and a duty item completing by `sites.stage.build` completes when the stage is reached."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.core import clock
from grassroots.core.audit import Action, AuditEvent
from grassroots.duties import services as duties
from grassroots.duties.models import Assignment, Cadence, Category, DueRule
from grassroots.duties.tests.conftest import make_plan
from grassroots.sites import services
from grassroots.sites.tests.walker_rows import png
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def projects(town: Town) -> tuple[Any, Any]:
    a = services.project_create(actor=town.alice, branch=town.branch_a, name="明月村阵地")
    b = services.project_create(actor=town.alice, branch=town.branch_b, name="上杉市村阵地")
    return a, b


def test_board_and_project_pages_are_scoped(town: Town, today: dt.date, client_for: Any) -> None:
    a, b = projects(town)
    sam, ivan, alice = client_for("sam"), client_for("ivan"), client_for("alice")
    board = sam.get(reverse("sites:board")).content.decode()
    assert "明月村阵地" in board and "上杉市村阵地" not in board
    ivan_board = ivan.get(reverse("sites:board")).content.decode()
    assert "上杉市村阵地" in ivan_board and "明月村阵地" not in ivan_board  # his branch only
    assert "明月村阵地" in alice.get(reverse("sites:board")).content.decode()
    assert sam.get(reverse("sites:project", args=[a.pk])).status_code == 200
    assert sam.get(reverse("sites:project", args=[b.pk])).status_code == 404
    assert ivan.get(reverse("sites:project", args=[b.pk])).status_code == 200
    assert ivan.get(reverse("sites:project", args=[a.pk])).status_code == 404
    assert client_for("oscar").get(reverse("sites:board")).status_code == 404
    assert (
        sam.post(reverse("sites:reach", args=[b.pk]), {"reach-on": "2026-03-10"}).status_code == 404
    )
    response = sam.post(reverse("sites:reach", args=[a.pk]), {"reach-on": "2026-03-10"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.stage == "survey"
    tiles = sam.get(reverse("sites:board") + "?stage=survey").content.decode()
    assert "明月村阵地" in tiles


def test_export_is_scoped_and_audited(town: Town, today: dt.date, client_for: Any) -> None:
    projects(town)
    response = client_for("sam").get(reverse("sites:export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["明月村阵地"]
    assert AuditEvent.objects.filter(action=Action.SITES_EXPORTED).count() == 1


def test_the_export_row_holds_each_stage_under_its_own_columns(
    town: Town, today: dt.date, client_for: Any
) -> None:
    a = services.project_create(
        actor=town.alice,
        branch=town.branch_a,
        name="明月村阵地",
        deadline=dt.date(2026, 3, 1),
        is_demonstration=True,
        linked_projects="村级活动中心",
        planned={"survey": dt.date(2026, 3, 2), "design": dt.date(2026, 5, 1)},
    )
    services.stage_reach(actor=town.alice, project=a, stage="survey", on=dt.date(2026, 3, 3))
    services.project_create(actor=town.alice, branch=town.branch_b, name="上杉市村阵地")
    response = client_for("alice").get(reverse("sites:export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert len(header) == 7 + 2 * 6 and [len(row) for row in rows] == [len(header)] * 2
    # Branch, name, stage reached, deadline, overdue, demonstration, linked; then per stage
    # (survey, siting, design, …) planned and done.
    row = list(rows[0])
    assert row[:3] == ["明月村党支部", "明月村阵地", "摸底"]
    assert row[3].date() == dt.date(2026, 3, 1) and row[4:7] == ["是", "是", "村级活动中心"]
    survey, siting, design = row[7:9], row[9:11], row[11:13]
    assert [d.date() for d in survey] == [dt.date(2026, 3, 2), dt.date(2026, 3, 3)]
    assert siting == [None, None]
    assert design[0].date() == dt.date(2026, 5, 1) and design[1] is None
    assert (rows[1][2], rows[1][4]) == ("未启动", "否")  # no stage reached, not late


def test_photos_are_served_only_to_who_reaches_the_branch(
    town: Town, today: dt.date, client_for: Any, media: Any
) -> None:
    a, _b = projects(town)
    response = client_for("sam").post(
        reverse("sites:photo_add", args=[a.pk]), {"photo-image": png(), "photo-caption": "外景"}
    )
    assert response.status_code == 302
    photo = a.photos.get()
    url = reverse("sites:photo", args=[photo.pk])
    ok = client_for("sam").get(url)
    assert ok.status_code == 200 and ok["Cache-Control"] == "private, no-store"
    assert client_for("ivan").get(url).status_code == 404
    assert client_for("oscar").get(url).status_code == 404


def test_the_api_lists_reaches_and_counts_in_scope(
    town: Town, today: dt.date, api_for: Any
) -> None:
    a, b = projects(town)
    sam = api_for("sam")
    listed = sam.get("/api/site-projects/").json()
    ids = [row["id"] for row in listed.get("results", listed)]
    assert ids == [a.pk]
    assert sam.get(f"/api/site-projects/{b.pk}/").status_code == 404
    assert sam.post(f"/api/site-projects/{b.pk}/reach/", {"stage": "survey"}).status_code == 404
    wrong = sam.post(f"/api/site-projects/{a.pk}/reach/", {"stage": "design"}, format="json")
    assert wrong.status_code == 400
    done = sam.post(f"/api/site-projects/{a.pk}/reach/", {"stage": "survey"}, format="json")
    assert done.status_code == 200 and done.json()["stage"] == "survey"
    counts = sam.get("/api/site-projects/stage-counts/").json()
    assert {row["stage"]: row["count"] for row in counts}["survey"] == 1
    created = api_for("olga").post(
        "/api/site-projects/",
        {"branch": town.branch_firm.pk, "name": "两新阵地", "is_demonstration": True},
        format="json",
    )
    assert created.status_code == 201 and created.json()["is_demonstration"] is True
    refused = sam.patch(f"/api/site-projects/{a.pk}/", {"is_demonstration": True}, format="json")
    assert refused.status_code == 403


def test_reaching_construction_completes_the_linked_duty_item(town: Town) -> None:
    wed = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
    clock.set_now(wed)
    make_plan(
        town,
        {
            "title": "完成阵地建设",
            "category": Category.ORG_LIFE,
            "cadence": Cadence.MONTHLY,
            "due_rule": DueRule.LAST_WORKING_DAY,
            "weight": 100,
            "completes_on": "sites.stage.build",
        },
    )
    duties.generate(on=wed.date())
    duty = Assignment.objects.get(organization=town.branch_a, version__title="完成阵地建设")
    assert duty.status == Assignment.Status.NOT_STARTED
    project = services.project_create(actor=town.alice, branch=town.branch_a, name="明月村阵地")
    for stage in ("survey", "siting", "design", "build"):
        services.stage_reach(actor=town.alice, project=project, stage=stage, on=wed.date())
    duty.refresh_from_db()
    assert duty.status == Assignment.Status.DONE
    assert (duty.record_kind, duty.record_id) == ("sites.stage.build", project.pk)
