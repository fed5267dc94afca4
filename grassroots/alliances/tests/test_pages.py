"""Alliance and project pages and exports per persona; the one-tap milestone; the API."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.alliances import services
from grassroots.alliances.models import Alliance, AllianceKind, InnovationProject, UnitKind
from grassroots.testing import Town


@pytest.fixture
def rows(town: Town, today: dt.date) -> dict[str, Any]:
    rice = services.alliance_create(
        actor=town.root, name="金色稻穗党建联盟", kind=AllianceKind.ALLIANCE, lead=town.branch_a
    )
    services.alliance_member_add(
        actor=town.root, alliance=rice, unit_name="稻香合作社", unit_kind=UnitKind.COOPERATIVE
    )
    firm = services.alliance_create(
        actor=town.root,
        name="村企联建对子",
        kind=AllianceKind.VILLAGE_ENTERPRISE,
        lead=town.branch_firm,
    )
    project = services.project_create(
        actor=town.root,
        title="稻虾共养",
        organization=town.branch_a,
        alliance=rice,
        starts_on=dt.date(2026, 1, 1),
        due_on=dt.date(2026, 12, 31),
    )
    late = services.milestone_add(
        actor=town.root, project=project, title="完成选址", due_on=dt.date(2026, 4, 30)
    )
    other = services.project_create(
        actor=town.root,
        title="乙村电商",
        organization=town.branch_b,
        starts_on=dt.date(2026, 1, 1),
        due_on=dt.date(2026, 12, 31),
    )
    return {"rice": rice, "firm": firm, "project": project, "late": late, "other": other}


@pytest.mark.parametrize(
    ("persona", "alliances", "projects"),
    [
        ("sam", {"rice"}, {"project"}),
        ("olga", {"rice", "firm"}, {"project", "other"}),
        ("ivan", set(), {"other"}),
    ],
)
def test_lists_and_details_show_only_what_the_persona_reaches(
    client_for: Any, rows: dict[str, Any], persona: str, alliances: set, projects: set
) -> None:
    c = client_for(persona)
    page = c.get(reverse("alliances:list")).content.decode()
    for key in ("rice", "firm"):
        assert (rows[key].name in page) == (key in alliances)
        status = c.get(reverse("alliances:alliance", args=[rows[key].pk])).status_code
        assert status == (200 if key in alliances else 404)
    page = c.get(reverse("alliances:projects")).content.decode()
    for key in ("project", "other"):
        assert (rows[key].title in page) == (key in projects)
        status = c.get(reverse("alliances:project", args=[rows[key].pk])).status_code
        assert status == (200 if key in projects else 404)


def test_an_outsider_gets_404_and_a_visitor_the_login(
    client_for: Any, rows: dict[str, Any]
) -> None:
    for url in (
        reverse("alliances:list"),
        reverse("alliances:projects"),
        reverse("alliances:alliance", args=[rows["rice"].pk]),
        reverse("alliances:export"),
    ):
        assert client_for("oscar").get(url).status_code == 404
        assert Client().get(url).status_code == 302


def test_an_overdue_milestone_shows_red_and_one_tap_ticks_it(
    client_for: Any, rows: dict[str, Any], today: dt.date
) -> None:
    sam = client_for("sam")
    url = reverse("alliances:project", args=[rows["project"].pk])
    page = sam.get(url).content.decode()
    assert "chip--danger" in page
    response = sam.post(reverse("alliances:milestone_tick", args=[rows["late"].pk]))
    assert response.status_code == 302 and response["Location"] == url
    rows["late"].refresh_from_db()
    assert rows["late"].done_on == today
    assert InnovationProject.objects.get(pk=rows["project"].pk).progress == 100
    assert (
        client_for("ivan")
        .post(reverse("alliances:milestone_tick", args=[rows["late"].pk]))
        .status_code
        == 404
    )


def test_forms_create_and_edit_through_the_services(
    client_for: Any, town: Town, today: dt.date
) -> None:
    sam = client_for("sam")
    response = sam.post(
        reverse("alliances:alliance_new"),
        {
            "name": "明月村结对共建",
            "kind": "joint_building",
            "lead": town.branch_a.pk,
            "founded_on": "2026-05-01",
        },
    )
    alliance = Alliance.objects.get()
    assert response["Location"] == reverse("alliances:alliance", args=[alliance.pk])
    bad = sam.post(reverse("alliances:member_add", args=[alliance.pk]), {"role": "x"})
    assert bad.status_code == 200 and "organization" in bad.context["form"].errors
    sam.post(
        reverse("alliances:member_add", args=[alliance.pk]),
        {"unit_name": "县农商银行", "unit_kind": "enterprise"},
    )
    assert alliance.members.get().unit_name == "县农商银行"
    response = sam.post(
        reverse("alliances:project_new"),
        {
            "title": "美丽屋场",
            "organization": town.branch_a.pk,
            "starts_on": "2026-05-01",
            "due_on": "2026-04-01",
            "status": "planned",
        },
    )
    assert response.status_code == 200 and "due_on" in response.context["form"].errors
    assert not InnovationProject.objects.exists()
    assert sam.get(reverse("alliances:alliance_new")).status_code == 200
    assert client_for("ivan").get(reverse("alliances:alliance_new")).status_code == 404
    assert (
        client_for("olga").get(reverse("alliances:alliance_edit", args=[alliance.pk])).status_code
        == 200
    )


def _sheet(content: bytes, n: int = 0) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[n]
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def test_exports_hold_only_reachable_rows(client_for: Any, rows: dict[str, Any]) -> None:
    sam = _sheet(client_for("sam").get(reverse("alliances:export")).content)
    assert [r[0] for r in sam[1:]] == ["金色稻穗党建联盟"]
    members = _sheet(client_for("sam").get(reverse("alliances:export")).content, 1)
    assert [r[1] for r in members[1:]] == ["稻香合作社"]
    olga = _sheet(client_for("olga").get(reverse("alliances:project_export")).content)
    assert {r[0] for r in olga[1:]} == {"稻虾共养", "乙村电商"}
    assert olga[1][7] == 1 or olga[2][7] == 1  # the overdue milestone is counted
    sam_projects = _sheet(client_for("sam").get(reverse("alliances:project_export")).content)
    assert [r[0] for r in sam_projects[1:]] == ["稻虾共养"]


def test_the_api_lists_within_reach_and_creates_through_the_service(
    api_for: Any, rows: dict[str, Any], town: Town
) -> None:
    ids = {r["id"] for r in api_for("sam").get("/api/alliances/").json()["results"]}
    assert ids == {rows["rice"].pk}
    assert api_for("sam").get(f"/api/alliances/{rows['firm'].pk}/").status_code == 404
    projects = api_for("ivan").get("/api/innovation-projects/").json()["results"]
    assert [p["id"] for p in projects] == [rows["other"].pk]
    created = api_for("sam").post(
        "/api/innovation-projects/",
        {
            "title": "红色研学",
            "organization": town.branch_a.pk,
            "starts_on": "2026-05-01",
            "due_on": "2026-09-30",
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["progress"] == 0
    refused = api_for("sam").post(
        "/api/alliances/",
        {"name": "越界联盟", "kind": "alliance", "lead": town.branch_b.pk},
        format="json",
    )
    assert refused.status_code == 400
    assert not Alliance.objects.filter(name="越界联盟").exists()


def test_strange_ids_are_form_errors_never_500(
    client_for: Any, api_for: Any, rows: dict[str, Any], town: Town
) -> None:
    sam = client_for("sam")
    huge = "99999999999999999999"
    response = sam.post(
        reverse("alliances:member_add", args=[rows["rice"].pk]), {"organization": huge}
    )
    assert response.status_code == 200 and "organization" in response.context["form"].errors
    response = sam.post(
        reverse("alliances:project_new"),
        {
            "title": "x",
            "organization": huge,
            "alliance": huge,
            "starts_on": "2026-05-01",
            "due_on": "2026-06-01",
            "status": "planned",
        },
    )
    assert response.status_code == 200 and "organization" in response.context["form"].errors
    assert sam.get(reverse("alliances:projects"), {"alliance": huge}).status_code == 200
    assert api_for("sam").get("/api/innovation-projects/", {"alliance": huge}).status_code == 400
    bad = api_for("sam").post(
        "/api/alliances/", {"name": "x", "kind": "alliance", "lead": huge}, format="json"
    )
    assert bad.status_code == 400
