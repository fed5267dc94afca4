"""The kit in a real Chromium (issue #10): the shell's rules, the sheet and the picker."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from grassroots.accounts.models import User
from grassroots.testing import Town

pytestmark = [pytest.mark.browser, pytest.mark.once, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("KIT_SHOTS", "")  # a directory: also save screenshots there


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        yield b
        b.close()


def open_page(browser: Any, live_server: Any, username: str | None, width: int = 390) -> Any:
    height = 844 if width < 1024 else 768
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    if username:
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


SMALL_TARGETS = """() => [...document.querySelectorAll(
    '.topbar a, .topbar button, .tabbar a, .btn, .picker__option, .picker__crumb, .segmented__opt, .sidebar__link, .msg__close')]
  .filter(e => e.offsetParent !== null)
  .map(e => [e.textContent.trim().slice(0, 20), e.getBoundingClientRect().height])
  .filter(([, h]) => h < 44)"""


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize(
    ("username", "url"),
    [(None, "/cases/report/"), ("rita", "/me/"), ("alice", "/styleguide/"), ("alice", "/")],
)
def test_the_shell_on_a_phone(
    browser: Any, live_server: Any, town: Town, username: str | None, url: str, width: int
) -> None:
    page = open_page(browser, live_server, username, width)
    page.goto(live_server.url + url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    topbar = page.locator(".topbar").bounding_box()
    assert topbar and topbar["height"] <= 56
    assert page.locator(".tabbar").is_visible() and not page.locator(".sidebar").is_visible()
    tabs = page.locator(".tabbar__tab")
    assert 3 <= tabs.count() <= 5
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.errors == []
    shot(page, f"{(username or 'public')}-{url.strip('/').replace('/', '-') or 'home'}-{width}")


def test_the_shell_on_a_desktop(browser: Any, live_server: Any, town: Town) -> None:
    page = open_page(browser, live_server, "alice", 1366)
    page.goto(live_server.url + "/styleguide/")
    assert page.locator(".sidebar").is_visible() and not page.locator(".tabbar").is_visible()
    assert page.locator(".sidebar__link.is-active").inner_text().strip() == "组件库"
    assert page.locator("details[data-filters]").get_attribute("open") is not None
    assert page.errors == []
    shot(page, "alice-styleguide-1366")


def test_the_sheet_opens_and_closes(browser: Any, live_server: Any, town: Town) -> None:
    page = open_page(browser, live_server, "alice")
    page.goto(live_server.url + "/styleguide/")
    sheet = page.locator("#sample-sheet")
    assert not sheet.is_visible()
    page.locator('[data-sheet-open="sample-sheet"]').click()
    assert sheet.is_visible()
    buttons = sheet.locator(".btn")
    assert buttons.count() == 3 and buttons.first.bounding_box()["height"] >= 48
    shot(page, "alice-sheet-390")
    sheet.locator("[data-sheet-close]").click()
    assert not sheet.is_visible()


def test_the_picker_drills_down(browser: Any, live_server: Any, town: Town) -> None:
    page = open_page(browser, live_server, "alice")
    page.goto(live_server.url + "/styleguide/")
    picker = page.locator(".picker")
    picker.locator(".picker__option", has_text="明月村").click()
    picker.locator(".picker__option", has_text="二组").wait_for()
    assert picker.locator('input[name="place"]').input_value() == str(town.village_a.pk)
    picker.locator(".picker__option", has_text="二组").click()
    picker.locator(f'input[name="place"][value="{town.group_a2.pk}"]').wait_for(state="attached")
    crumbs = [c.strip() for c in picker.locator(".picker__crumb").all_inner_texts()]
    assert crumbs[-3:] == ["测试镇", "明月村", "二组"]
    shot(page, "picker-390")
    assert page.errors == []


def test_the_filters_drawer_on_a_phone(browser: Any, live_server: Any, town: Town) -> None:
    page = open_page(browser, live_server, "alice")
    page.goto(live_server.url + "/styleguide/")
    drawer = page.locator("details[data-filters]")
    assert drawer.get_attribute("open") is None
    drawer.locator("summary").click()
    panel = drawer.locator(".kit-filters__panel")
    box = panel.bounding_box()
    assert box and box["y"] + box["height"] >= 844 - 2  # a bottom drawer
    shot(page, "filters-390")
    drawer.locator("[data-filters-close]").click()
    assert drawer.get_attribute("open") is None
