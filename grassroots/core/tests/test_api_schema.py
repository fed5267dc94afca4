"""OpenAPI schema, self-hosted Swagger UI under our CSP, and /healthz."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def session_client(user: Any) -> Client:
    """A browser-like session. force_login: django-axes refuses Client.login(),
    which passes no request to authenticate() (the project's client_for fixture)."""
    client = Client()
    client.force_login(user)
    return client


RESOURCES = [
    "places",
    "households",
    "residents",
    "representatives",
    "representative-links",
    "visits",
    "organizations",
    "members",
    "instructors",
    "guidance-assignments",
    "guidance-visits",
    "me",
]


def test_the_schema_is_served_and_lists_every_resource(town: Any) -> None:
    resp = session_client(town.alice).get("/api/schema/?format=json")
    assert resp.status_code == 200
    paths = resp.json()["paths"]
    for name in RESOURCES:
        assert f"/api/{name}/" in paths, name
    for name in ("households", "residents", "representatives", "members", "instructors"):
        assert "post" in paths[f"/api/{name}/{{id}}/reveal/"], name
    # Records are kept: no resource offers DELETE.
    assert not [
        p
        for p, ops in paths.items()
        if p.startswith("/api/")
        and "delete" in ops
        and any(p.startswith(f"/api/{n}/") for n in RESOURCES)
    ]


def test_swagger_ui_is_self_hosted_and_needs_no_inline_script(town: Any) -> None:
    client = session_client(town.alice)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn.jsdelivr.net" not in html and "unpkg" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<script>" not in html
    policy = page.headers["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src
    init = client.get("/api/docs/?script=")
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in init.content.decode()


def test_healthz_answers_json_with_a_working_database() -> None:
    resp = Client().get("/healthz")
    assert resp.status_code == 200
    body = resp.json()
    assert body["database"] is True
    assert body["status"] == "ok"


def test_the_openapi_schema_generates_without_warnings(tmp_path: Path) -> None:
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/cases/" in (tmp_path / "schema.yml").read_text()
