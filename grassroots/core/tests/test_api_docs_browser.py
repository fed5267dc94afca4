"""Swagger UI at /api/docs/ really renders in Chromium under our CSP, with no CDN."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.grid.tests.test_browser import CHROMIUM, chromium_or_fail


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_every_operation_without_csp_violations(live_server: Any) -> None:
    chromium_or_fail()
    from playwright.sync_api import expect, sync_playwright

    problems: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.on(
                "console",
                lambda m: (
                    problems.append(m.text)
                    if m.type == "error" or "Content Security Policy" in m.text
                    else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on(
                "request",
                lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
            )
            page.goto(f"{live_server.url}/api/docs/")
            expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=20_000)
            paths = page.locator(".opblock-summary-path").all_inner_texts()
        finally:
            browser.close()
    assert any("/api/households/" in p for p in paths)
    assert problems == []
    assert [u for u in outside if not u.startswith("data:")] == []
