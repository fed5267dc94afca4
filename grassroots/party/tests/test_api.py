"""The Party REST API: scope, writes through services, masking, reveal."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.party import selectors as party_selectors
from grassroots.party import services as party
from grassroots.party.models import (
    GuidanceAssignment,
    GuidanceVisit,
    Instructor,
    Member,
    Organization,
)
from grassroots.testing import ID_B, Town

pytestmark = pytest.mark.django_db


def ids(resp: Any) -> set[int]:
    assert resp.status_code == 200, resp.content
    return {row["id"] for row in resp.json()["results"]}


def audited(action: str, user: Any) -> bool:
    return AuditEvent.objects.filter(action=action, actor=user).exists()


def assignment(town: Town) -> GuidanceAssignment:
    return GuidanceAssignment.objects.get(instructor=town.instructor)


def guidance_visit(town: Town) -> GuidanceVisit:
    return party.guidance_visit_log(
        actor=town.ivan, organization=town.branch_b, topic="三会一课", notes="检查记录"
    )


# --- lists are scoped -----------------------------------------------------------


def test_organisations_list_shows_each_persona_only_their_branches_and_ancestors(
    town: Town, api_for: Any
) -> None:
    t = town
    assert ids(api_for("sam").get("/api/organizations/")) == {t.committee.pk, t.branch_a.pk}
    assert ids(api_for("ivan").get("/api/organizations/")) == {t.committee.pk, t.branch_b.pk}
    assert len(ids(api_for("olga").get("/api/organizations/"))) == 4
    assert ids(api_for("oscar").get("/api/organizations/")) == set()
    assert ids(api_for("rita").get("/api/organizations/")) == set()


def test_organisations_are_counted_by_kind(town: Town, api_for: Any) -> None:
    body = api_for("olga").get("/api/organizations/?kind=branch&page_size=1").json()
    assert body["count"] == 3


def test_members_instructors_assignments_and_guidance_visits_are_scoped(
    town: Town, api_for: Any
) -> None:
    t = town
    visit = guidance_visit(t)
    sam, ivan, olga, oscar = (api_for(u) for u in ("sam", "ivan", "olga", "oscar"))
    assert ids(sam.get("/api/members/")) == {t.member_a.pk}
    assert ids(ivan.get("/api/members/")) == {t.member_b.pk}
    assert ids(olga.get("/api/members/")) == {t.member_a.pk, t.member_b.pk}
    assert ids(ivan.get("/api/instructors/")) == {t.instructor.pk}
    assert ids(olga.get("/api/instructors/")) == {t.instructor.pk}
    assert ids(sam.get("/api/instructors/")) == set()
    assert ids(ivan.get("/api/guidance-assignments/")) == {assignment(t).pk}
    assert ids(sam.get("/api/guidance-assignments/")) == set()
    assert ids(ivan.get("/api/guidance-visits/")) == {visit.pk}
    assert ids(olga.get("/api/guidance-visits/")) == {visit.pk}
    assert ids(sam.get("/api/guidance-visits/")) == set()
    for path in ("members", "instructors", "guidance-assignments", "guidance-visits"):
        assert ids(oscar.get(f"/api/{path}/")) == set()


def test_instructors_are_counted_by_kind(town: Town, api_for: Any) -> None:
    body = api_for("olga").get("/api/instructors/?kind=instructor&page_size=1").json()
    assert body["count"] == 1
    assert api_for("olga").get("/api/instructors/?kind=leader").json()["count"] == 0


# --- details outside scope are 404 ----------------------------------------------


@pytest.mark.parametrize(
    ("username", "path", "target"),
    [
        ("sam", "organizations", lambda t: t.branch_b.pk),
        ("ivan", "organizations", lambda t: t.branch_a.pk),
        ("oscar", "organizations", lambda t: t.committee.pk),
        ("sam", "members", lambda t: t.member_b.pk),
        ("ivan", "members", lambda t: t.member_a.pk),
        ("sam", "instructors", lambda t: t.instructor.pk),
        ("sam", "guidance-assignments", lambda t: assignment(t).pk),
        ("sam", "guidance-visits", lambda t: guidance_visit(t).pk),
        ("rita", "members", lambda t: t.member_b.pk),
    ],
)
def test_a_party_detail_outside_the_callers_scope_is_not_found(
    town: Town, api_for: Any, username: str, path: str, target: Any
) -> None:
    assert api_for(username).get(f"/api/{path}/{target(town)}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["organizations", "members", "instructors", "guidance-assignments", "guidance-visits"],
)
def test_anonymous_callers_are_refused_on_party_endpoints(town: Town, path: str) -> None:
    client = APIClient()
    assert client.get(f"/api/{path}/").status_code in (401, 403)
    assert client.post(f"/api/{path}/", {}, format="json").status_code in (401, 403)


# --- creates --------------------------------------------------------------------


def test_an_officer_creates_a_branch_under_the_committee_and_it_is_audited(
    town: Town, api_for: Any
) -> None:
    resp = api_for("olga").post(
        "/api/organizations/",
        {"parent": town.committee.pk, "kind": "branch", "name": "新党支部", "org_type": "two_new"},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    created = Organization.objects.get(name="新党支部")
    assert created.path.startswith(town.committee.path) and created.depth == 2
    assert audited(Action.PARTY_ORGANIZATION_CREATED, town.olga)


def test_an_organisation_under_an_out_of_scope_parent_is_refused(town: Town, api_for: Any) -> None:
    resp = api_for("sam").post(
        "/api/organizations/",
        {"parent": town.branch_b.pk, "kind": "group", "name": "越界小组"},
        format="json",
    )
    assert resp.status_code == 400
    assert not Organization.objects.filter(name="越界小组").exists()


def test_a_secretary_adds_a_member_to_her_branch_with_masked_personal_data(
    town: Town, api_for: Any
) -> None:
    sam = api_for("sam")
    resp = sam.post(
        "/api/members/",
        {
            "organization": town.branch_a.pk,
            "name": "新党员",
            "status": "probationary",
            "phone": "13566667777",
            "id_number": ID_B,
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    text = resp.content.decode()
    assert "13566667777" not in text and ID_B not in text
    assert resp.json()["phone"] == "135****7777"
    assert audited(Action.PARTY_MEMBER_CREATED, town.sam)
    refused = sam.post(
        "/api/members/", {"organization": town.branch_b.pk, "name": "越界党员"}, format="json"
    )
    assert refused.status_code == 400
    assert not Member.objects.filter(name="越界党员").exists()


def test_an_instructor_without_edit_rights_cannot_add_members(town: Town, api_for: Any) -> None:
    resp = api_for("ivan").post(
        "/api/members/", {"organization": town.branch_b.pk, "name": "无权"}, format="json"
    )
    assert resp.status_code == 403
    assert not Member.objects.filter(name="无权").exists()


def test_a_member_is_updated_in_scope_and_out_of_scope_updates_are_404(
    town: Town, api_for: Any
) -> None:
    sam = api_for("sam")
    resp = sam.patch(f"/api/members/{town.member_a.pk}/", {"post": "organizer"}, format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["post"] == "organizer"
    assert audited(Action.PARTY_MEMBER_UPDATED, town.sam)
    other = sam.patch(f"/api/members/{town.member_b.pk}/", {"active": False}, format="json")
    assert other.status_code == 404
    town.member_b.refresh_from_db()
    assert town.member_b.active is True


def test_instructors_are_created_by_party_editors_only(town: Town, api_for: Any) -> None:
    ok = api_for("olga").post(
        "/api/instructors/",
        {"name": "新指导员", "title": "镇组织办干部"},
        format="json",
    )
    assert ok.status_code == 201, ok.content
    assert audited(Action.PARTY_INSTRUCTOR_CREATED, town.olga)
    refused = api_for("oscar").post("/api/instructors/", {"name": "冒充"}, format="json")
    assert refused.status_code == 403
    assert not Instructor.objects.filter(name="冒充").exists()


def test_an_instructor_is_assigned_to_a_branch_in_scope_and_the_assignment_can_end(
    town: Town, api_for: Any
) -> None:
    olga = api_for("olga")
    resp = olga.post(
        "/api/guidance-assignments/",
        {"instructor": town.instructor.pk, "organization": town.branch_a.pk},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    assert audited(Action.PARTY_INSTRUCTOR_ASSIGNED, town.olga)
    ended = olga.post(f"/api/guidance-assignments/{resp.json()['id']}/end/", {}, format="json")
    assert ended.status_code == 200, ended.content
    assert ended.json()["active"] is False
    assert audited(Action.PARTY_INSTRUCTOR_UNASSIGNED, town.olga)
    again = olga.post(f"/api/guidance-assignments/{resp.json()['id']}/end/", {}, format="json")
    assert again.status_code == 400


def test_an_assignment_to_an_out_of_scope_branch_is_refused(town: Town, api_for: Any) -> None:
    resp = api_for("sam").post(
        "/api/guidance-assignments/",
        {"instructor": town.instructor.pk, "organization": town.branch_b.pk},
        format="json",
    )
    assert resp.status_code == 400
    assert GuidanceAssignment.objects.count() == 1


def test_an_instructor_logs_guidance_for_his_branch_only(town: Town, api_for: Any) -> None:
    ivan = api_for("ivan")
    ok = ivan.post(
        "/api/guidance-visits/",
        {"organization": town.branch_b.pk, "topic": "主题党日"},
        format="json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["instructor"] == town.instructor.pk
    assert audited(Action.PARTY_GUIDANCE_VISIT_LOGGED, town.ivan)
    refused = ivan.post(
        "/api/guidance-visits/",
        {"organization": town.branch_a.pk, "topic": "越界"},
        format="json",
    )
    assert refused.status_code == 400
    assert not GuidanceVisit.objects.filter(organization=town.branch_a).exists()


# --- reveal and masking -------------------------------------------------------------


def test_an_officer_reveals_a_members_phone_with_a_reason(town: Town, api_for: Any) -> None:
    resp = api_for("olga").post(
        f"/api/members/{town.member_a.pk}/reveal/",
        {"field": "phone", "reason": "通知开会"},
        format="json",
    )
    assert resp.status_code == 200, resp.content
    assert resp.json() == {"field": "phone", "value": "13500000001"}
    assert audited(Action.PERSONAL_REVEALED, town.olga)


def test_member_reveal_is_403_without_the_capability_and_404_outside_scope(
    town: Town, api_for: Any
) -> None:
    body = {"field": "phone", "reason": "通知开会"}
    assert (
        api_for("ivan")
        .post(f"/api/members/{town.member_b.pk}/reveal/", body, format="json")
        .status_code
        == 403
    )
    assert (
        api_for("sam")
        .post(f"/api/members/{town.member_b.pk}/reveal/", body, format="json")
        .status_code
        == 404
    )
    assert (
        api_for("olga")
        .post(f"/api/members/{town.member_a.pk}/reveal/", {"field": "phone"}, format="json")
        .status_code
        == 400
    )
    assert not AuditEvent.objects.filter(action=Action.PERSONAL_REVEALED).exists()


def test_no_party_response_contains_a_plain_phone_or_id_number(town: Town, api_for: Any) -> None:
    party.member_update(actor=town.root, member=town.member_b, phone="13600001111")
    party.instructor_create(actor=town.root, name="领导", kind="leader", phone="13900002222")
    root = api_for("root")
    for path in ("organizations", "members", "instructors", "guidance-assignments"):
        text = root.get(f"/api/{path}/").content.decode()
        for value in ("13500000001", "13600001111", "13900002222"):
            assert value not in text, (path, value)


def test_an_organisation_above_the_callers_area_is_never_a_write_target(
    town: Town, api_for: Any
) -> None:
    sam, ivan = api_for("sam"), api_for("ivan")
    assert sam.get(f"/api/organizations/{town.committee.pk}/").status_code == 200
    branch = sam.post(
        "/api/organizations/",
        {"parent": town.committee.pk, "kind": "branch", "name": "越权支部"},
        format="json",
    )
    assert branch.status_code == 400
    member = sam.post(
        "/api/members/", {"organization": town.committee.pk, "name": "越权党员"}, format="json"
    )
    assert member.status_code == 400
    visit = ivan.post(
        "/api/guidance-visits/",
        {"organization": town.committee.pk, "topic": "越权指导"},
        format="json",
    )
    assert visit.status_code == 400
    assert not Organization.objects.filter(name="越权支部").exists()
    assert not Member.objects.filter(name="越权党员").exists()
    assert not GuidanceVisit.objects.filter(organization=town.committee).exists()


def test_the_instructor_figure_counts_instructors_not_contact_leaders(town: Town) -> None:
    """Issue #11 item 8: the demo town shows 42 instructors, not 42 plus its leaders."""
    before = party_selectors.figures(town.root)["instructors"]
    party.instructor_create(actor=town.root, name="联系领导", kind="leader", town=town.town)
    assert party_selectors.figures(town.root)["instructors"] == before
    party.instructor_create(actor=town.root, name="新指导员", town=town.town)
    assert party_selectors.figures(town.root)["instructors"] == before + 1
