"""The ledger, its export and print view, the item page and its actions, the register form."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.rectify import services
from grassroots.rectify.models import Item, ItemEvent, Status
from grassroots.rectify.tests.conftest import register, to_review
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def test_ledger_shows_reachable_items_with_tiles_and_chips(
    town: Town, today: dt.date, client_for: Any
) -> None:
    a = register(town, deadline=today + dt.timedelta(days=5), problem="甲村问题")
    b = register(town, organization=town.branch_b, problem="乙村问题")
    page = client_for("sam").get("/rectify/")
    assert page.status_code == 200
    html = page.content.decode()
    assert a.code in html and "甲村问题" in html and "乙村问题" not in html
    assert 'data-colour="yellow"' in html and "?colour=red" in html
    # The officer sees both; a filter narrows by colour.
    olga = client_for("olga")
    assert b.code in olga.get("/rectify/").content.decode()
    yellow = olga.get("/rectify/?colour=yellow").content.decode()
    assert "甲村问题" in yellow and "乙村问题" not in yellow
    assert "乙村问题" in olga.get(f"/rectify/?unit={town.branch_b.pk}").content.decode()
    assert olga.get("/rectify/?overdue=true&deadline_from=bad").status_code == 200


def test_export_is_one_row_per_reachable_item_and_audited(
    town: Town, today: dt.date, client_for: Any
) -> None:
    register(town, problem='=HYPERLINK("http://x")')
    register(town, organization=town.branch_b)
    response = client_for("sam").get("/rectify/export/")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == town.branch_a.name
    assert rows[1][4].startswith("'=")  # formula-safe
    assert AuditEvent.objects.filter(action=Action.RECTIFY_LEDGER_EXPORTED, actor=town.sam).exists()
    printed = client_for("sam").get("/rectify/print/")
    assert printed.status_code == 200 and town.branch_b.name not in printed.content.decode()


def test_item_page_offers_only_allowed_actions(town: Town, today: dt.date, client_for: Any) -> None:
    item = services.item_hand_over(actor=town.olga, item=register(town))
    sam_page = client_for("sam").get(f"/rectify/{item.pk}/").content.decode()
    assert 'data-action="start_rectifying"' in sam_page
    assert 'data-action="request_extension"' in sam_page
    assert "sign_off" not in sam_page
    irene_page = client_for("irene").get(f"/rectify/{item.pk}/").content.decode()
    assert "data-action" not in irene_page
    assert client_for("ivan").get(f"/rectify/{item.pk}/").status_code == 404
    assert client_for("oscar").get(f"/rectify/{item.pk}/").status_code == 404


def test_acting_through_the_pages(town: Town, today: dt.date, client_for: Any) -> None:
    item = services.item_hand_over(actor=town.olga, item=register(town))
    sam = client_for("sam")
    assert sam.post(f"/rectify/{item.pk}/act/start_rectifying/").status_code == 302
    # A wrong step: 400 with the allowed ones, nothing changes.
    wrong = sam.post(f"/rectify/{item.pk}/act/rework/")
    assert wrong.status_code == 400
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert sam.post(f"/rectify/{item.pk}/act/no_such/").status_code == 404
    evidence = SimpleUploadedFile("台账.pdf", b"%PDF-1.4", content_type="application/pdf")
    done = sam.post(
        f"/rectify/{item.pk}/act/request_signoff/",
        {"request_signoff-note": "已补齐", "request_signoff-evidence": evidence},
    )
    assert done.status_code == 302
    event = ItemEvent.objects.get(item=item, kind="request_signoff")
    assert sam.get(f"/rectify/evidence/{event.pk}/").status_code == 200
    assert client_for("ivan").get(f"/rectify/evidence/{event.pk}/").status_code == 404
    event.evidence.delete(save=False)
    # sam cannot review; irene can.
    assert sam.post(f"/rectify/{item.pk}/act/start_review/").status_code == 400
    irene = client_for("irene")
    assert irene.post(f"/rectify/{item.pk}/act/start_review/").status_code == 302
    assert irene.post(f"/rectify/{item.pk}/act/return_for_rework/").status_code == 400
    assert irene.post(f"/rectify/{item.pk}/act/sign_off/").status_code == 302
    item.refresh_from_db()
    assert item.status == Status.CLOSED


def test_extension_through_the_pages(town: Town, today: dt.date, client_for: Any) -> None:
    item = services.item_start(
        actor=town.sam, item=services.item_hand_over(actor=town.olga, item=register(town))
    )
    new = (item.deadline + dt.timedelta(days=14)).isoformat()
    sam = client_for("sam")
    bad = sam.post(
        f"/rectify/{item.pk}/extension/", {"ext-new_deadline": "2020-01-01", "ext-reason": "x"}
    )
    assert bad.status_code == 400
    ok = sam.post(
        f"/rectify/{item.pk}/extension/", {"ext-new_deadline": new, "ext-reason": "雨季施工困难"}
    )
    assert ok.status_code == 302
    extension = item.extensions.get()
    undecided = client_for("olga").post(f"/rectify/extensions/{extension.pk}/decide/", {})
    assert undecided.status_code == 400
    assert (
        sam.post(f"/rectify/extensions/{extension.pk}/decide/", {"decision": "approve"}).status_code
        == 400
    )
    page = client_for("olga").get(f"/rectify/{item.pk}/").content.decode()
    assert 'data-action="decide_extension"' in page
    assert (
        client_for("olga")
        .post(f"/rectify/extensions/{extension.pk}/decide/", {"decision": "approve"})
        .status_code
        == 302
    )
    item.refresh_from_db()
    assert item.deadline.isoformat() == new


def test_register_form(town: Town, today: dt.date, client_for: Any) -> None:
    assert client_for("sam").get("/rectify/new/").status_code == 403
    olga = client_for("olga")
    assert olga.get("/rectify/new/").status_code == 200
    data = {
        "organization": town.branch_b.pk,
        "source": "patrol",
        "problem": "发展党员程序不规范",
        "kind": "deadline",
        "deadline": (today + dt.timedelta(days=40)).isoformat(),
        "leader_name": "李书记",
        "person": town.sam.pk,
    }
    assert olga.post("/rectify/new/", {**data, "person": town.oscar.pk}).status_code == 400
    assert olga.post("/rectify/new/", {**data, "deadline": "2020-01-01"}).status_code == 400
    assert not Item.objects.exists()
    response = olga.post("/rectify/new/", data)
    item = Item.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/rectify/{item.pk}/"
    assert item.leader_name == "李书记" and item.registered_by == town.olga
    assert item.person == town.sam


def test_closed_items_need_no_actions(town: Town, today: dt.date, client_for: Any) -> None:
    item = services.item_sign_off(actor=town.irene, item=to_review(town, register(town)))
    page = client_for("olga").get(f"/rectify/{item.pk}/").content.decode()
    assert "data-action" not in page


@pytest.mark.parametrize(
    "query",
    [
        "unit=99999999999999999999999",
        "unit=-1",
        "unit=abc",
        "status=nope&colour=purple&source=x&kind=y",
        "deadline_from=2026-02-30&deadline_to=x",
        "page=99999999999999999999",
        "q=" + "整" * 500,
    ],
)
def test_strange_filters_never_break_the_ledger(
    town: Town, today: dt.date, client_for: Any, api_for: Any, query: str
) -> None:
    register(town)
    for path in ("/rectify/", "/rectify/export/", "/rectify/print/"):
        assert client_for("olga").get(f"{path}?{query}").status_code == 200, path
    assert api_for("olga").get(f"/api/rectifications/?{query}").status_code in (200, 400, 404)
