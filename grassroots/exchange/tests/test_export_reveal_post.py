"""A revealed export is a POST with its reason in the body, never a GET (issue #9)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.exchange.tests.test_export import sheets
from grassroots.testing import Town


def _revealed() -> bool:
    return AuditEvent.objects.filter(action=Action.EXCHANGE_EXPORTED, data__revealed=True).exists()


def test_the_page_refuses_a_revealing_get(town: Town, client_for: Any) -> None:
    alice = client_for("alice")
    response = alice.get("/exchange/export/households/", {"reveal": "1", "reason": "核对户籍"})
    assert response.status_code in (400, 405)
    assert "13812345678" not in response.content.decode(errors="replace")
    assert not _revealed()
    # The masked download by GET still works.
    assert alice.get("/exchange/export/households/").status_code == 200


def test_the_page_reveals_by_post_with_csrf_and_no_store(town: Town) -> None:
    from grassroots.accounts.models import User

    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(User.objects.get(username="alice"))
    body = {"reveal": "1", "reason": "核对户籍"}
    assert csrf.post("/exchange/export/households/", body).status_code == 403  # no token
    assert not _revealed()
    csrf.get("/exchange/")
    token = csrf.cookies["csrftoken"].value
    response = csrf.post("/exchange/export/households/", {**body, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "13812345678" in {str(r[4]) for r in sheets(response.content)["户"]}
    assert _revealed()


def test_the_api_refuses_a_revealing_get_and_reveals_by_post(town: Town, api_for: Any) -> None:
    api = api_for("alice")
    bad = api.get("/api/exchange/export/households/", {"reveal": "1", "reason": "核对户籍"})
    assert bad.status_code in (400, 405)
    assert not _revealed()
    good = api.post(
        "/api/exchange/export/households/reveal/", {"reason": "核对户籍"}, format="json"
    )
    assert good.status_code == 200, good.content[:300]
    assert "no-store" in good["Cache-Control"]
    assert "13812345678" in {str(r[4]) for r in sheets(good.content)["户"]}
    assert _revealed()
    empty = api.post("/api/exchange/export/households/reveal/", {"reason": "\u200b" * 6})
    assert empty.status_code == 400
