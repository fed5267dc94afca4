"""The schema says what the API answers (schemathesis found these disagreements)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grassroots.cases.tests.helpers import file_case
from grassroots.testing import Town


@pytest.fixture
def schema(town: Town, api_for: Any) -> dict[str, Any]:
    return api_for("alice").get("/api/schema/?format=json").json()


def component(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return schema["components"]["schemas"][name]["properties"]


def test_me_is_one_object_in_the_schema_and_in_the_answer(
    schema: dict[str, Any], api_for: Any
) -> None:
    answer = schema["paths"]["/api/me/"]["get"]["responses"]["200"]["content"]
    assert answer["application/json"]["schema"] == {"$ref": "#/components/schemas/Me"}
    assert isinstance(api_for("alice").get("/api/me/").json(), dict)


def test_an_open_case_answers_what_the_schema_allows(
    town: Town, schema: dict[str, Any], api_for: Any
) -> None:
    case = file_case(town)
    body = api_for("alice").get(f"/api/cases/{case.pk}/").json()
    assert body["closure"] == "" and body["media_url"] == ""
    closure = component(schema, "CaseDetail")["closure"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in closure["oneOf"]
    assert "format" not in component(schema, "CaseDetail")["media_url"]
    # the submission event has no person behind it (a self-service filing)
    assert body["events"][0]["actor"] is None
    assert component(schema, "CaseEvent")["actor"]["nullable"] is True


def test_an_empty_media_url_is_accepted_on_filing(town: Town, api_for: Any) -> None:
    body = {"place": town.group_a1.pk, "text": "路灯坏了好几天了", "media_url": ""}
    assert api_for("sam").post("/api/cases/", body, format="json").status_code == 201


def test_every_import_refusal_has_the_report_shape(town: Town, api_for: Any) -> None:
    api = api_for("alice")
    keys = {"kind", "ok", "dry_run", "written", "counts", "errors"}
    missing_file = api.post("/api/exchange/import/", {"kind": "households"})
    assert missing_file.status_code == 400 and set(missing_file.json()) == keys
    assert missing_file.json()["errors"][0]["column"] == "file"
    upload = SimpleUploadedFile("x.csv", b"a,b\n1,2\n", content_type="text/csv")
    no_town = api.post(
        "/api/exchange/import/", {"kind": "households", "file": upload, "town": "nowhere"}
    )
    assert no_town.status_code == 400 and set(no_town.json()) == keys
