"""UI.md's rules on every page each persona reaches (issue #10, Acceptance 1).

For each persona — town administrator, organisation officer, a village secretary, a
representative in another village, an instructor, a town handler, an inspector, and the
anonymous visitor — the crawl (crawl.py) opens `/`, the pages of the navigation, and the
first page of each kind linked from them, and asserts on each page:

- tap-target: at 360×740 and 390×844, each of these is at least 44 px tall (0.5 px
  tolerance): button; input[type=submit|button|reset|image]; select; summary;
  [role=button|tab|menuitem]; a checkbox or radio, measured by its label row (the
  enclosing or `for=` label; the input itself if it has none); and a link that acts as a
  button — an a[href] that sits in a nav, header or [role=navigation], or has role=button
  or a class naming btn/button/tab/chip/card/tile, or is laid out as a box (display other
  than `inline`), or is inline but the only text of its block (a link alone in a list item
  or a table cell); a link stretched over its card by an absolutely positioned ::after
  is measured by that area. Exempt: an inline link inside running text (its block holds other
  text), and hidden, disabled, off-screen or visually hidden (≤ 1 px) elements. The
  checker is `grassroots.browser_testing.RULES_JS`;
- sideways-scroll: the page is no wider than the phone's viewport, and nothing scrolls
  sideways unless it is a [data-scroll-x] region with an accessible label;
- cjk-wrap: no element whose own text holds ≥ 2 CJK characters is laid out (per
  character, Range.getClientRects) on ≥ 2 lines with at most one character on each;
- weight: a cold load at 1366×768 transfers at most 200 KB compressed (a compressed
  response counts its encoded size as Chromium measured it; an uncompressed one counts
  the gzip size of its body computed here: the live test server serves static files
  uncompressed, while production serves the precompressed gzip/brotli files);
- outside-request, console-error, page-error, server-error: none;
- dead-link: every same-origin link, GET form action and hx-get URL opens for the persona.

Every violation is collected; the failure message lists them all, grouped by rule and
element, with the pages, personas and viewports where each was seen. Run one persona's
crawl with GRASSROOTS_UI_PERSONAS=secretary (comma-separated label prefixes: town,
organisation, secretary, representative, instructor, handler, inspector, anonymous).
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from django.urls import reverse

from grassroots.browser_testing import Violation, summary
from grassroots.cases.models import Case, Channel, Status
from grassroots.core.tests.browser.conftest import UiTown
from grassroots.core.tests.browser.crawl import Crawl

pytestmark = [pytest.mark.browser, pytest.mark.once, pytest.mark.django_db(transaction=True)]


def chosen(town: UiTown) -> list[Any]:
    wanted = [
        w.strip() for w in os.environ.get("GRASSROOTS_UI_PERSONAS", "").split(",") if w.strip()
    ]
    return [p for p in town.personas if not wanted or p.label.startswith(tuple(wanted))]


def tracking_code() -> str:
    """A resident's case that was answered: its page shows the timeline and the rating."""
    case = Case.objects.filter(status=Status.CLOSED, channel=Channel.SELF_SERVICE).first()
    return (case or Case.objects.order_by("pk").first()).code


def test_every_page_each_persona_reaches_keeps_the_rules(
    ui_town: UiTown, browser: Any, live_server: Any
) -> None:
    report: list[str] = []
    violations: list[Violation] = []
    for persona in chosen(ui_town):
        started = time.perf_counter()
        seeds = () if persona.user else (reverse("cases:track", args=[tracking_code()]),)
        crawl = Crawl(browser, live_server.url, persona.label, persona.user, seeds=seeds)
        violations += crawl.run()
        heaviest = max(crawl.weights.items(), key=lambda kv: kv[1], default=("-", 0))
        report.append(
            f"{persona.label}: {len(crawl.pages)} pages, {len(crawl.checked)} links, "
            f"heaviest {heaviest[0]} {heaviest[1] / 1024:.0f} KB, "
            f"{time.perf_counter() - started:.1f} s: "
            + " ".join(crawl.short(url) for url in crawl.pages)
        )
    print("\n".join(report))
    assert not violations, summary(violations)
