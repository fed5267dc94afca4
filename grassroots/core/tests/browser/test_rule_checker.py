"""The rule checker can fail: a deliberately bad page breaks the tap-target and the
sideways-scroll rules, a tiny page wraps Chinese one character per line, a noisy page
breaks every rule the crawl records (weight, outside request, console and page errors,
dead link), and a page that keeps the rules (a prose link, a labelled scroll region) passes."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.browser_testing import PHONES, assert_rules, check_rules, summary
from grassroots.core.tests.browser.crawl import Crawl

pytestmark = [pytest.mark.browser, pytest.mark.once, pytest.mark.django_db(transaction=True)]

BAD_URLS = "grassroots.core.tests.browser.bad_urls"


@pytest.fixture
def bad_site(settings: Any, live_server: Any) -> str:
    settings.ROOT_URLCONF = BAD_URLS
    return live_server.url


def rules_on(persona_context: Any, url: str, viewport: str) -> list[Any]:
    page = persona_context(None, viewport).new_page()
    page.goto(url)
    return check_rules(page, url, "anonymous", viewport)


@pytest.mark.parametrize("viewport", PHONES)
def test_a_24_px_button_and_a_600_px_table_are_reported(
    bad_site: str, persona_context: Any, viewport: str
) -> None:
    found = rules_on(persona_context, f"{bad_site}/bad/", viewport)
    by_rule = {v.rule: v for v in found}
    assert set(by_rule) == {"tap-target", "sideways-scroll"}, summary(found)
    tap = by_rule["tap-target"]
    assert 'button[type=button].tiny "小按钮"' in tap.element, tap
    assert tap.detail.startswith("24 px tall"), tap
    wide = by_rule["sideways-scroll"]
    assert "table.wide" in wide.element and "600 px wide" in wide.detail, wide
    assert tap.viewport == viewport and tap.url.endswith("/bad/") and tap.persona == "anonymous"


def test_chinese_wrapped_one_character_per_line_is_reported(
    bad_site: str, persona_context: Any
) -> None:
    found = rules_on(persona_context, f"{bad_site}/cjk/", "390x844")
    assert [v.rule for v in found] == ["cjk-wrap"], summary(found)
    assert "div.narrow" in found[0].element, found[0]
    assert "3 characters on 3 lines" in found[0].detail


def test_a_page_that_keeps_the_rules_passes(bad_site: str, persona_context: Any) -> None:
    for viewport in PHONES:
        found = rules_on(persona_context, f"{bad_site}/good/", viewport)
        assert found == [], summary(found)
    page = persona_context(None).new_page()
    page.goto(f"{bad_site}/good/")
    assert_rules(page)
    page.goto(f"{bad_site}/bad/")
    with pytest.raises(AssertionError, match="tap-target"):
        assert_rules(page)


def test_the_crawl_reports_weight_outside_requests_errors_and_dead_links(
    bad_site: str, browser: Any
) -> None:
    crawl = Crawl(browser, bad_site, "anonymous", None, start="/noisy/")
    found = {v.rule: v for v in crawl.run()}
    assert set(found) >= {
        "weight",
        "outside-request",
        "console-error",
        "page-error",
        "dead-link",
    }, summary(list(found.values()))
    assert found["outside-request"].detail.startswith("http://cdn.example.invalid/logo.png")
    assert "noisy: something went wrong" in found["console-error"].detail
    assert "noisy: thrown" in found["page-error"].detail
    assert found["dead-link"].detail == "/missing/ answers 404", found["dead-link"]
    assert "/heavy.bin 250 KB (as sent)" in found["weight"].detail, found["weight"]
    assert all(v.url == "/noisy/" and v.viewport == "1366x768" for v in found.values())
