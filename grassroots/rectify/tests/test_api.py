"""The API: scoped lists, registering, transitions as actions, 400 with the allowed steps."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from grassroots.rectify import services
from grassroots.rectify.models import Item, Status
from grassroots.rectify.tests.conftest import register
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def test_list_is_scoped_and_carries_the_live_colour(
    town: Town, today: dt.date, api_for: Any
) -> None:
    a = register(town, deadline=today + dt.timedelta(days=3))
    b = register(town, organization=town.branch_b)
    rows = api_for("sam").get("/api/rectifications/").json()["results"]
    assert [(r["id"], r["colour"]) for r in rows] == [(a.pk, "yellow")]
    assert api_for("sam").get(f"/api/rectifications/{b.pk}/").status_code == 404
    assert {r["id"] for r in api_for("irene").get("/api/rectifications/").json()["results"]} == {
        a.pk,
        b.pk,
    }
    detail = api_for("olga").get(f"/api/rectifications/{a.pk}/").json()
    assert detail["events"][0]["kind"] == "register"


def test_register_and_walk_through_the_api(town: Town, today: dt.date, api_for: Any) -> None:
    olga, sam = api_for("olga"), api_for("sam")
    body = {
        "organization": town.branch_a.pk,
        "source": "tour_inspection",
        "problem": "党费收缴不及时",
        "kind": "immediate",
        "deadline": (today + dt.timedelta(days=7)).isoformat(),
    }
    assert sam.post("/api/rectifications/", body, format="json").status_code == 403
    bad = olga.post("/api/rectifications/", {**body, "deadline": "2001-01-01"}, format="json")
    assert bad.status_code == 400 and "deadline" in bad.json()
    outsider = olga.post("/api/rectifications/", {**body, "person": town.oscar.pk}, format="json")
    assert outsider.status_code == 400 and "person" in outsider.json()
    created = olga.post(
        "/api/rectifications/",
        {**body, "person": town.sam.pk, "leader": town.alice.pk},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["person"] == str(town.sam) and created.json()["leader"] == str(town.alice)
    wrong = olga.post(f"/api/rectifications/{pk}/sign-off/", {}, format="json")
    assert wrong.status_code == 400 and "status" in wrong.json()
    assert olga.post(f"/api/rectifications/{pk}/hand-over/", {}, format="json").status_code == 200
    assert (
        sam.post(f"/api/rectifications/{pk}/start-rectifying/", {}, format="json").status_code
        == 200
    )
    # A tour-inspection item needs a note to ask for sign-off.
    no_note = sam.post(f"/api/rectifications/{pk}/request-signoff/", {}, format="json")
    assert no_note.status_code == 400 and "note" in no_note.json()
    ext = sam.post(
        f"/api/rectifications/{pk}/request-extension/",
        {"new_deadline": (today + dt.timedelta(days=30)).isoformat(), "reason": "需协调资金"},
        format="json",
    )
    assert ext.status_code == 201
    decided = olga.post(
        f"/api/rectifications/{pk}/decide-extension/", {"approve": False}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["approved"] is False
    assert (
        olga.post(
            f"/api/rectifications/{pk}/decide-extension/", {"approve": True}, format="json"
        ).status_code
        == 400
    )
    assert (
        sam.post(
            f"/api/rectifications/{pk}/request-signoff/", {"note": "已收缴"}, format="json"
        ).status_code
        == 200
    )
    assert sam.post(f"/api/rectifications/{pk}/start-review/", {}, format="json").status_code == 403
    assert (
        api_for("irene")
        .post(f"/api/rectifications/{pk}/start-review/", {}, format="json")
        .status_code
        == 200
    )
    done = api_for("irene").post(f"/api/rectifications/{pk}/sign-off/", {}, format="json")
    assert done.status_code == 200 and done.json()["status"] == Status.CLOSED


def test_out_of_reach_actions_are_404_and_change_nothing(
    town: Town, today: dt.date, api_for: Any
) -> None:
    item = services.item_hand_over(actor=town.olga, item=register(town, organization=town.branch_b))
    response = api_for("sam").post(
        f"/api/rectifications/{item.pk}/start-rectifying/", {}, format="json"
    )
    assert response.status_code == 404
    assert Item.objects.get(pk=item.pk).status == Status.ASSIGNED
    assert (
        api_for("sam").post("/api/rectifications/99999999999999999999/sign-off/").status_code == 404
    )


def test_openapi_lists_the_transitions(town: Town, api_for: Any) -> None:
    schema = api_for("olga").get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "/api/rectifications/{id}/sign-off/" in paths
    assert "/api/rectifications/{id}/request-extension/" in paths
