"""Acceptance 1 in a real Chromium on a phone-sized screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from grassroots.accounts.models import User
from grassroots.cases.models import Case
from grassroots.grid import services as grid
from grassroots.testing import Town, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


def page_for(browser: Any, live_server: Any, username: str | None) -> Any:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    if username:
        # Log in by session cookie: the login page is tested by the accounts app.
        client = Client()
        client.force_login(User.objects.get(username=username))
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
    return context.new_page()


def act(page: Any, action: str, fill: dict[str, str] | None = None) -> None:
    """Do an action as a person does: the actions sheet (when there is more than one),
    then the action's large button, or its own sheet with its form."""
    more = page.locator('[data-sheet-open="case-actions"]')
    if more.count():
        more.click()
        where = page.locator("#case-actions")
    else:
        where = page.locator(".actionbar")
    sheet = page.locator(f"#act-{action}")
    if sheet.count():
        where.locator(f'[data-sheet-open="act-{action}"]').click()
        form = sheet.locator(f'form[data-action="{action}"]')
    else:
        form = where.locator(f'form[data-action="{action}"]')
    for name, value in (fill or {}).items():
        field = form.locator(f'[name="{action}-{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_response(lambda r: f"/do/{action}/" in r.url):
        form.locator('button[type="submit"]').click()
    page.wait_for_load_state("networkidle")


def test_a_resident_files_the_village_assigns_the_handler_replies_and_rep_0001_calls_back(
    town: Town, hank, browser: Any, live_server: Any
) -> None:
    rep_user = make_user("rep.0001", display_name="代表一号")
    grid.representative_create(
        actor=town.root, village=town.village_a, name="代表一号", phone="13800000009", user=rep_user
    )

    resident = page_for(browser, live_server, None)
    resident.goto(f"{live_server.url}/cases/report/")
    # The drill-down picker: the one town is opened already; its village, then the group.
    resident.locator(".picker__option", has_text="明月村").click()
    resident.locator(".picker__option", has_text="一组").click()
    resident.locator('.picker__crumb[aria-current="true"]', has_text="一组").wait_for()
    resident.fill("#id_text", "村口的路面塌陷了一个大坑，晚上很危险")
    question = resident.locator(".challenge").inner_text()
    a, b = (int(x) for x in re.findall(r"\d+", question))
    resident.fill("#id_answer", str(a + b))
    resident.locator("form.report button[type=submit]").click()
    code = resident.locator(".tracking-code").inner_text().strip()
    case = Case.objects.get(code=code)

    sam = page_for(browser, live_server, "sam")
    sam.goto(f"{live_server.url}/cases/{case.pk}/")
    act(sam, "accept")
    # The saved change says so, in a message that fades.
    assert "已完成：受理" in sam.locator(".messages .msg--fade").first.inner_text()
    act(sam, "assign", {"handler": str(hank.pk)})
    assert Case.objects.get(pk=case.pk).status == "assigned"

    handler = page_for(browser, live_server, "hank")
    handler.goto(f"{live_server.url}/cases/{case.pk}/")
    act(handler, "take")
    act(handler, "reply", {"reply": "已安排施工队修补，今天完工"})
    assert Case.objects.get(pk=case.pk).status == "replied"

    rep = page_for(browser, live_server, "rep.0001")
    rep.goto(f"{live_server.url}/cases/{case.pk}/")
    act(rep, "close", {"closure": "resolved"})
    assert Case.objects.get(pk=case.pk).status == "closed"

    resident.goto(f"{live_server.url}/cases/track/{code}/")
    status = resident.locator(".status[data-status]")
    assert status.get_attribute("data-status") == "closed"
    assert status.inner_text().strip() == "已办结"
