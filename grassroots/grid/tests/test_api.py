"""The grid's REST API: scope, writes through services, masking, query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from grassroots.accounts import services as account_services
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.core.roles import Role
from grassroots.grid import services as grid
from grassroots.grid.models import Household, Place, Representative, RepresentativeLink, Visit
from grassroots.testing import ID_A, ID_B, Town

pytestmark = pytest.mark.django_db

PLAIN = [
    "13812345678",
    "13912345678",
    "13712345678",
    "13612345678",
    "13800000001",
    "13800000002",
    "13500000001",
    ID_A,
    ID_B,
]


def ids(resp: Any) -> set[int]:
    assert resp.status_code == 200, resp.content
    return {row["id"] for row in resp.json()["results"]}


def visits(town: Town) -> tuple[Visit, Visit]:
    a = grid.visit_log(actor=town.root, household=town.household_a1, notes="A")
    b = grid.visit_log(actor=town.root, household=town.household_b1, notes="B")
    return a, b


def link_of(household: Household) -> RepresentativeLink:
    return RepresentativeLink.objects.get(household=household, ended_at__isnull=True)


# --- lists are scoped -----------------------------------------------------------


def test_households_list_shows_each_persona_only_their_own_area(town: Town, api_for: Any) -> None:
    t = town
    assert ids(api_for("sam").get("/api/households/")) == {t.household_a1.pk, t.household_a2.pk}
    assert ids(api_for("rita").get("/api/households/")) == {t.household_b1.pk}
    assert ids(api_for("ivan").get("/api/households/")) == set()
    assert ids(api_for("oscar").get("/api/households/")) == set()
    assert len(ids(api_for("alice").get("/api/households/"))) == 4


def test_places_list_shows_the_reached_subtree_and_its_ancestors_only(
    town: Town, api_for: Any
) -> None:
    t = town
    assert ids(api_for("sam").get("/api/places/")) == {
        t.town.pk,
        t.village_a.pk,
        t.group_a1.pk,
        t.group_a2.pk,
    }
    assert ids(api_for("rita").get("/api/places/")) == {t.group_b1.pk}
    assert ids(api_for("oscar").get("/api/places/")) == set()


def test_residents_representatives_links_and_visits_are_scoped_like_households(
    town: Town, api_for: Any
) -> None:
    t = town
    visit_a, visit_b = visits(t)
    sam, rita, oscar = api_for("sam"), api_for("rita"), api_for("oscar")
    assert ids(sam.get("/api/residents/")) == set(
        t.household_a1.residents.values_list("pk", flat=True)
    )
    assert ids(rita.get("/api/residents/")) == set(
        t.household_b1.residents.values_list("pk", flat=True)
    )
    assert ids(sam.get("/api/representatives/")) == {t.rep_a.pk}
    assert ids(rita.get("/api/representatives/")) == {t.rep_b.pk}
    assert ids(sam.get("/api/representative-links/")) == {
        link_of(t.household_a1).pk,
        link_of(t.household_a2).pk,
    }
    assert ids(rita.get("/api/representative-links/")) == {link_of(t.household_b1).pk}
    assert ids(sam.get("/api/visits/")) == {visit_a.pk}
    assert ids(rita.get("/api/visits/")) == {visit_b.pk}
    for path in ("residents", "representatives", "representative-links", "visits"):
        assert ids(oscar.get(f"/api/{path}/")) == set()


# --- details outside scope are 404 ----------------------------------------------


@pytest.mark.parametrize(
    ("username", "path", "target"),
    [
        ("sam", "households", lambda t: t.household_b1.pk),
        ("rita", "households", lambda t: t.household_a1.pk),
        ("rita", "households", lambda t: t.household_b2.pk),
        ("oscar", "households", lambda t: t.household_a1.pk),
        ("sam", "places", lambda t: t.village_b.pk),
        ("sam", "residents", lambda t: t.household_b1.residents.get().pk),
        ("sam", "representatives", lambda t: t.rep_b.pk),
        ("sam", "representative-links", lambda t: link_of(t.household_b1).pk),
        ("sam", "visits", lambda t: visits(t)[1].pk),
        ("rita", "visits", lambda t: visits(t)[0].pk),
    ],
)
def test_a_detail_outside_the_callers_scope_is_not_found(
    town: Town, api_for: Any, username: str, path: str, target: Any
) -> None:
    resp = api_for(username).get(f"/api/{path}/{target(town)}/")
    assert resp.status_code == 404


def test_a_detail_inside_scope_is_shown_with_the_phone_masked(town: Town, api_for: Any) -> None:
    resp = api_for("rita").get(f"/api/households/{town.household_b1.pk}/")
    assert resp.status_code == 200
    body = resp.json()
    assert body["code"] == "B-001"
    assert body["phone"] == town.household_b1.phone_masked
    assert "13712345678" not in resp.content.decode()


# --- unauthenticated -------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["places", "households", "residents", "representatives", "representative-links", "visits"],
)
def test_anonymous_callers_are_refused(town: Town, path: str) -> None:
    client = APIClient()
    assert client.get(f"/api/{path}/").status_code in (401, 403)
    assert client.post(f"/api/{path}/", {}, format="json").status_code in (401, 403)


# --- creates go through services -------------------------------------------------


def audited(action: str, user: Any) -> bool:
    return AuditEvent.objects.filter(action=action, actor=user).exists()


def test_a_secretary_creates_a_household_in_her_village_and_it_is_audited(
    town: Town, api_for: Any
) -> None:
    resp = api_for("sam").post(
        "/api/households/",
        {
            "place": town.group_a1.pk,
            "code": "A-003",
            "head_name": "孙新户",
            "phone": "13711112222",
            "representative": town.rep_a.pk,
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["phone"] == "137****2222"
    assert "13711112222" not in resp.content.decode()
    household = Household.objects.get(code="A-003")
    assert household.representative == town.rep_a
    assert audited(Action.GRID_HOUSEHOLD_CREATED, town.sam)


def test_a_household_outside_scope_is_refused_and_never_created(town: Town, api_for: Any) -> None:
    body = {"place": town.group_b1.pk, "code": "B-009", "head_name": "越界"}
    assert api_for("sam").post("/api/households/", body, format="json").status_code == 400
    assert api_for("oscar").post("/api/households/", body, format="json").status_code == 400
    assert not Household.objects.filter(code="B-009").exists()


def test_a_caller_who_reaches_the_group_without_edit_rights_gets_403(
    town: Town, api_for: Any
) -> None:
    account_services.role_grant(
        actor=town.root, user=town.oscar, role=Role.INSPECTOR, place=town.village_a
    )
    body = {"place": town.group_a1.pk, "code": "A-010", "head_name": "无权"}
    assert api_for("oscar").post("/api/households/", body, format="json").status_code == 403
    # A representative does not reach the group itself, only her households.
    rita_body = {"place": town.group_b1.pk, "code": "B-010", "head_name": "无权"}
    assert api_for("rita").post("/api/households/", rita_body, format="json").status_code == 400
    assert not Household.objects.filter(head_name="无权").exists()


def test_a_service_validation_error_becomes_a_400_carrying_its_message(
    town: Town, api_for: Any
) -> None:
    body = {"place": town.group_a1.pk, "code": "A-001", "head_name": "重复"}
    resp = api_for("sam").post("/api/households/", body, format="json")
    assert resp.status_code == 400
    assert "A-001" in resp.content.decode()
    assert Household.objects.filter(code="A-001").count() == 1


def test_a_household_is_updated_through_the_service_and_out_of_scope_updates_are_404(
    town: Town, api_for: Any
) -> None:
    sam = api_for("sam")
    resp = sam.patch(
        f"/api/households/{town.household_a1.pk}/",
        {"head_name": "王大明二", "phone": "13822223333"},
        format="json",
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["head_name"] == "王大明二"
    assert resp.json()["phone"] == "138****3333"
    assert audited(Action.GRID_HOUSEHOLD_UPDATED, town.sam)
    other = sam.patch(f"/api/households/{town.household_b1.pk}/", {"size": 9}, format="json")
    assert other.status_code == 404
    town.household_b1.refresh_from_db()
    assert town.household_b1.size == 4


def test_places_are_created_under_a_parent_in_scope_only(town: Town, api_for: Any) -> None:
    sam = api_for("sam")
    ok = sam.post(
        "/api/places/",
        {"parent": town.village_a.pk, "kind": "group", "name": "三组"},
        format="json",
    )
    assert ok.status_code == 201, ok.content
    assert audited(Action.GRID_PLACE_CREATED, town.sam)
    refused = sam.post(
        "/api/places/",
        {"parent": town.village_b.pk, "kind": "group", "name": "越界组"},
        format="json",
    )
    assert refused.status_code == 400
    assert not Place.objects.filter(name="越界组").exists()


def test_residents_are_created_in_scope_with_masked_id_numbers(town: Town, api_for: Any) -> None:
    sam = api_for("sam")
    ok = sam.post(
        "/api/residents/",
        {"household": town.household_a2.pk, "name": "李小红", "id_number": ID_B},
        format="json",
    )
    assert ok.status_code == 201, ok.content
    assert ID_B not in ok.content.decode()
    assert ok.json()["id_number"].endswith("2345")
    assert audited(Action.GRID_RESIDENT_CREATED, town.sam)
    refused = sam.post(
        "/api/residents/", {"household": town.household_b1.pk, "name": "越界"}, format="json"
    )
    assert refused.status_code == 400
    assert not town.household_b1.residents.filter(name="越界").exists()


def test_an_invalid_id_number_is_a_400(town: Town, api_for: Any) -> None:
    resp = api_for("sam").post(
        "/api/residents/",
        {"household": town.household_a2.pk, "name": "错号", "id_number": "430121199001011230"},
        format="json",
    )
    assert resp.status_code == 400


def test_representatives_are_created_for_a_village_in_scope_only(town: Town, api_for: Any) -> None:
    sam = api_for("sam")
    ok = sam.post(
        "/api/representatives/", {"place": town.village_a.pk, "name": "新代表"}, format="json"
    )
    assert ok.status_code == 201, ok.content
    assert audited(Action.GRID_REPRESENTATIVE_CREATED, town.sam)
    refused = sam.post(
        "/api/representatives/", {"place": town.village_b.pk, "name": "越界代表"}, format="json"
    )
    assert refused.status_code == 400
    assert not Representative.objects.filter(name="越界代表").exists()


def test_relinking_a_household_keeps_history_with_one_active_link(town: Town, api_for: Any) -> None:
    new_rep = grid.representative_create(actor=town.root, village=town.village_a, name="接任代表")
    sam = api_for("sam")
    resp = sam.post(
        "/api/representative-links/",
        {"household": town.household_a2.pk, "representative": new_rep.pk},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    links = RepresentativeLink.objects.filter(household=town.household_a2)
    assert links.count() == 2
    assert links.filter(ended_at__isnull=True).get().representative == new_rep
    assert audited(Action.GRID_REPRESENTATIVE_LINKED, town.sam)
    refused = sam.post(
        "/api/representative-links/",
        {"household": town.household_b1.pk, "representative": new_rep.pk},
        format="json",
    )
    assert refused.status_code == 400
    assert link_of(town.household_b1).representative == town.rep_b


def test_a_representative_logs_a_visit_to_her_household_only(town: Town, api_for: Any) -> None:
    rita = api_for("rita")
    resp = rita.post(
        "/api/visits/", {"household": town.household_b1.pk, "mode": "phone"}, format="json"
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["representative"] == town.rep_b.pk
    town.household_b1.refresh_from_db()
    assert town.household_b1.last_visit_at is not None
    assert audited(Action.GRID_VISIT_LOGGED, town.rita)
    refused = rita.post("/api/visits/", {"household": town.household_a1.pk}, format="json")
    assert refused.status_code == 400
    assert not Visit.objects.filter(household=town.household_a1).exists()


# --- reveal ----------------------------------------------------------------------


def test_reveal_returns_the_plain_phone_and_is_audited_with_the_reason(
    town: Town, api_for: Any
) -> None:
    resp = api_for("sam").post(
        f"/api/households/{town.household_a1.pk}/reveal/",
        {"field": "phone", "reason": "联系户主"},
        format="json",
    )
    assert resp.status_code == 200, resp.content
    assert resp.json() == {"field": "phone", "value": "13812345678"}
    event = AuditEvent.objects.get(action=Action.PERSONAL_REVEALED, actor=town.sam)
    assert event.reason == "联系户主"


def test_reveal_needs_a_reason_and_a_field_of_that_resource(town: Town, api_for: Any) -> None:
    sam = api_for("sam")
    url = f"/api/households/{town.household_a1.pk}/reveal/"
    assert sam.post(url, {"field": "phone"}, format="json").status_code == 400
    assert sam.post(url, {"field": "phone", "reason": " "}, format="json").status_code == 400
    bad_field = {"field": "id_number", "reason": "核实身份"}
    assert sam.post(url, bad_field, format="json").status_code == 400
    assert not AuditEvent.objects.filter(action=Action.PERSONAL_REVEALED).exists()


def test_reveal_outside_scope_is_404_and_without_the_capability_403(
    town: Town, api_for: Any
) -> None:
    body = {"field": "phone", "reason": "联系户主"}
    assert (
        api_for("sam")
        .post(f"/api/households/{town.household_b1.pk}/reveal/", body, format="json")
        .status_code
        == 404
    )
    # An inspector sees village A but may not reveal personal data.
    account_services.role_grant(
        actor=town.root, user=town.oscar, role=Role.INSPECTOR, place=town.village_a
    )
    resp = api_for("oscar").post(
        f"/api/households/{town.household_a1.pk}/reveal/", body, format="json"
    )
    assert resp.status_code == 403
    assert "13812345678" not in resp.content.decode()


def test_a_residents_id_number_can_be_revealed_in_scope(town: Town, api_for: Any) -> None:
    resident = town.household_b1.residents.get()
    resp = api_for("rita").post(
        f"/api/residents/{resident.pk}/reveal/",
        {"field": "id_number", "reason": "核实身份"},
        format="json",
    )
    assert resp.status_code == 200
    assert resp.json()["value"] == ID_B


# --- masking, filters, counts, query counts ---------------------------------------


def test_no_grid_response_contains_a_plain_phone_or_id_number(town: Town, api_for: Any) -> None:
    visits(town)
    alice = api_for("alice")
    for path in ("households", "residents", "representatives", "representative-links", "visits"):
        text = alice.get(f"/api/{path}/").content.decode()
        for value in PLAIN:
            assert value not in text, (path, value)
    text = alice.get(f"/api/residents/{town.household_a1.residents.get().pk}/").content.decode()
    assert ID_A not in text and "13812345678" not in text


def test_counts_for_acceptance_come_from_page_size_one(town: Town, api_for: Any) -> None:
    alice = api_for("alice")
    body = alice.get("/api/households/?page_size=1").json()
    assert body["count"] == 4
    assert len(body["results"]) == 1
    assert alice.get("/api/representatives/?page_size=1").json()["count"] == 2


def test_households_can_be_filtered_by_having_an_active_representative(
    town: Town, api_for: Any
) -> None:
    alice = api_for("alice")
    without = ids(alice.get("/api/households/?has_active_representative=false"))
    assert without == {town.household_b2.pk}
    served = ids(alice.get("/api/households/?has_active_representative=true"))
    assert served == {town.household_a1.pk, town.household_a2.pk, town.household_b1.pk}


def test_sensitive_tags_are_hidden_from_callers_who_may_not_reveal(
    town: Town, api_for: Any
) -> None:
    from grassroots.grid.models import Tag

    tag = Tag.objects.create(name="低保户", sensitive=True)
    grid.household_update(actor=town.root, household=town.household_a1, tags=[tag])
    url = f"/api/households/{town.household_a1.pk}/"
    assert api_for("sam").get(url).json()["tags"] == ["低保户"]
    account_services.role_grant(
        actor=town.root, user=town.oscar, role=Role.INSPECTOR, place=town.village_a
    )
    assert api_for("oscar").get(url).json()["tags"] == []


def test_the_households_list_runs_the_same_number_of_queries_for_5_and_50_rows(
    town: Town, api_for: Any
) -> None:
    from grassroots.grid.models import Tag

    tag = Tag.objects.create(name="独居老人")
    for i in range(60):
        grid.household_create(
            actor=town.root,
            group=town.group_a1,
            code=f"Q-{i:03d}",
            head_name=f"户主{i}",
            tags=[tag],
            representative=town.rep_a,
        )
    alice = api_for("alice")
    # The first request also reads the token and computes the scope, which the
    # worker then remembers (core.memo); compare two requests after it.
    alice.get("/api/households/?page_size=1")

    def count(size: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            resp = alice.get(f"/api/households/?page_size={size}")
        assert len(resp.json()["results"]) == size
        return len(ctx.captured_queries)

    assert count(5) == count(50)


def test_a_place_above_the_callers_area_is_visible_but_never_a_parent_to_write_under(
    town: Town, api_for: Any
) -> None:
    sam = api_for("sam")
    assert sam.get(f"/api/places/{town.town.pk}/").status_code == 200
    resp = sam.post(
        "/api/places/",
        {"parent": town.town.pk, "kind": "village", "name": "越权村"},
        format="json",
    )
    assert resp.status_code == 400
    assert not Place.objects.filter(name="越权村").exists()
