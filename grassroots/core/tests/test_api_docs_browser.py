"""Swagger UI at /api/docs/ really renders in Chromium under our CSP, with no CDN.

With about 150 operations the tags start folded (SWAGGER_UI_SETTINGS: Swagger UI stops
drawing an all-open page after some 120 operations); every tag of the schema is listed and
opening one draws its operations."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.grid.tests.test_browser import CHROMIUM, chromium_or_fail


@pytest.mark.browser
@pytest.mark.once
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_lists_every_tag_and_opens_one_without_csp_violations(
    live_server: Any, client: Any
) -> None:
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
            expect(page.locator(".opblock-tag").first).to_be_visible(timeout=20_000)
            tags = {
                t.split("\n")[0].strip() for t in page.locator(".opblock-tag").all_inner_texts()
            }
            page.locator("#operations-tag-households").click()
            expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=20_000)
            paths = page.locator(".opblock-summary-path").all_inner_texts()
        finally:
            browser.close()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    expected = {
        tag
        for operations in schema["paths"].values()
        for op in operations.values()
        if isinstance(op, dict)
        for tag in op.get("tags", [])
    }
    assert tags == expected
    assert any("/api/households/" in p for p in paths)
    assert problems == []
    assert [u for u in outside if not u.startswith("data:")] == []
