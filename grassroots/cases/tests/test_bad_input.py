"""Bad input answers 4xx, never 500: empty or odd JSON bodies, ids past 64 bits,
negative or non-numeric ids, deep JSON, odd tracking codes."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from grassroots.cases.models import Case, Status
from grassroots.cases.tests.helpers import file_case
from grassroots.testing import Town

HUGE = "99999999999999999999"  # past 2**64
BAD_IDS = [HUGE, "9223372036854775808", "-1", "abc", "1.5"]
BODIES = ["{}", "[]", "null", '"text"', "1"]
ACTIONS = ["reject", "reopen", "reply", "request-suspension", "return", "withdraw"]


@pytest.fixture
def case(town: Town) -> Case:
    return file_case(town)


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("action", ACTIONS)
def test_an_empty_or_odd_body_to_a_case_action_is_400_not_a_crash(
    town: Town, api_for: object, case: Case, action: str, body: str
) -> None:
    api = api_for("alice")  # type: ignore[operator]
    before = Case.objects.get(pk=case.pk).status
    response = api.post(f"/api/cases/{case.pk}/{action}/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert isinstance(response.json(), dict)
    assert Case.objects.get(pk=case.pk).status == before


def test_a_missing_field_is_named_in_the_400(town: Town, api_for: object, case: Case) -> None:
    api = api_for("alice")  # type: ignore[operator]
    response = api.post(f"/api/cases/{case.pk}/reject/", {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()


@pytest.mark.parametrize("code", ["a/b", "../x", "a b", "%00", "x" * 300, "<b>"])
def test_an_odd_tracking_code_is_the_not_found_page(town: Town, code: str) -> None:
    response = Client().get("/cases/track/", {"code": code}, follow=True)
    assert response.status_code in (200, 404)
    assert b"Traceback" not in response.content


@pytest.mark.parametrize("pk", BAD_IDS)
def test_bad_ids_in_page_paths_are_404(town: Town, client_for: object, pk: str) -> None:
    client = client_for("alice")  # type: ignore[operator]
    for url in [
        f"/cases/{pk}/",
        f"/grid/places/{pk}/",
        f"/grid/households/{pk}/",
        f"/party/orgs/{pk}/",
        f"/notify/{pk}/open/",
        f"/analytics/places/{pk}/",
        f"/cases/public/{pk}/",
    ]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("pk", BAD_IDS)
def test_bad_ids_in_api_and_open311_paths_are_404(town: Town, api_for: object, pk: str) -> None:
    api = api_for("alice")  # type: ignore[operator]
    for url in [
        f"/api/cases/{pk}/",
        f"/api/households/{pk}/",
        f"/api/places/{pk}/",
        f"/api/organizations/{pk}/",
        f"/api/members/{pk}/",
        f"/api/notices/{pk}/",
    ]:
        assert api.get(url).status_code == 404, url
    assert Client().get(f"/open311/v2/requests/{pk}.json").status_code == 404


@pytest.mark.parametrize("pk", BAD_IDS)
def test_bad_ids_in_filters_are_400_on_the_api(town: Town, api_for: object, pk: str) -> None:
    api = api_for("alice")  # type: ignore[operator]
    for url in [
        f"/api/households/?place={pk}",
        f"/api/households/?representative={pk}",
        f"/api/residents/?household={pk}",
        f"/api/visits/?household={pk}",
        f"/api/places/?parent={pk}",
        f"/api/members/?organization={pk}",
        f"/api/organizations/?parent={pk}",
    ]:
        assert api.get(url).status_code == 400, url


@pytest.mark.parametrize("pk", BAD_IDS)
def test_bad_ids_in_filters_never_break_a_page(town: Town, client_for: object, pk: str) -> None:
    client = client_for("alice")  # type: ignore[operator]
    for url in [
        f"/grid/households/?place={pk}",
        f"/grid/households/?representative={pk}",
        f"/exchange/export/households/?place={pk}",
    ]:
        assert client.get(url).status_code in (200, 400, 404), url


@pytest.mark.parametrize(
    "field", ["household", "place", "affected_households", "location_accuracy_m"]
)
@pytest.mark.parametrize("value", [int(HUGE), -1])
def test_a_huge_or_negative_number_in_a_filing_is_400(
    town: Town, api_for: object, field: str, value: int
) -> None:
    api = api_for("sam")  # type: ignore[operator]
    body = {"place": town.group_a1.pk, "text": "路灯坏了好几天了", field: value}
    assert api.post("/api/cases/", body, format="json").status_code == 400
    assert api.post("/api/case-intake/", body, format="json").status_code == 400


def test_a_huge_user_id_in_a_whistle_is_400(town: Town, api_for: object, case: Case) -> None:
    api = api_for("alice")  # type: ignore[operator]
    for body in ({"users": [int(HUGE)]}, {"places": [-1]}, {"handler": int(HUGE)}):
        for action in ("whistle", "assign"):
            response = api.post(f"/api/cases/{case.pk}/{action}/", body, format="json")
            assert response.status_code == 400, (action, body, response.content)


def deep(n: int) -> str:
    return "[" * n + "]" * n


@pytest.mark.parametrize("url", ["/api/cases/", "/api/case-intake/", "/api/households/"])
def test_json_nested_5000_deep_is_400(town: Town, api_for: object, url: str) -> None:
    api = api_for("sam")  # type: ignore[operator]
    body = json.dumps({"text": "x"})[:-1] + ', "place": ' + deep(5000) + "}"
    response = api.post(url, body, content_type="application/json")
    assert response.status_code == 400


def test_json_nested_5000_deep_to_open311_is_400(town: Town) -> None:
    body = '{"service_code": ' + deep(5000) + "}"
    response = Client().post("/open311/v2/requests.json", body, content_type="application/json")
    assert response.status_code in (400, 403)


def test_moderately_nested_json_still_parses(town: Town, api_for: object, case: Case) -> None:
    api = api_for("alice")  # type: ignore[operator]
    response = api.post(
        f"/api/cases/{case.pk}/reject/",
        {"reason": "不属于本镇", "note": "x"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == Status.REJECTED
