"""The representative's flow on a phone (issue #10, Acceptance 2).

Log in on the login page → open the most overdue household (the list puts it first) →
report a need → saved. At most 6 taps; the only text typed besides the credentials is the
need's own words; the case is saved as 一般 (normal), at that household.

Hooks are what the user sees and what stays when pages are rebuilt: links are found by
role and by where they lead (the route's URL), fields by their form field names; no
test-only attributes.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db.models import F
from django.urls import reverse

from grassroots.browser_testing import PHONE
from grassroots.cases.models import Case, Priority
from grassroots.core.tests.browser.conftest import UiTown
from grassroots.demo.loader import PASSWORD
from grassroots.grid.models import Household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEED = "村口的水渠堵了，下雨就漫到路上"
MAX_TAPS = 6
MARK = 987654321  # an id, to turn a route's URL into a pattern


class Thumb:
    """Taps and typing on a page, counted."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.taps: list[str] = []
        self.typed: list[str] = []

    def tap(self, locator: Any, what: str) -> None:
        locator.scroll_into_view_if_needed()
        locator.click()
        self.taps.append(what)
        self.page.wait_for_load_state("load")

    def type(self, locator: Any, text: str) -> None:
        locator.fill(text)
        self.typed.append(text)

    def first_link_like(self, pattern: str) -> Any:
        """The first visible link whose path matches `pattern` (a regex), or None."""
        links = self.page.get_by_role("link").filter(visible=True)
        index = links.evaluate_all(
            "(links, p) => links.findIndex((a) => new RegExp(p).test(new URL(a.href).pathname))",
            pattern,
        )
        return None if index < 0 else links.nth(index)

    def link_to(self, path: str) -> Any:
        """The visible link (role link) leading to `path` (query string allowed)."""
        links = self.page.get_by_role("link").filter(visible=True)
        return links.and_(self.page.locator(f'a[href^="{path}"]')).first


def most_overdue(user: Any) -> Household:
    return (
        Household.objects.visible_to(user)  # type: ignore[attr-defined]
        .filter(representative__user=user, representative__active=True)
        .order_by(F("last_visit_at").asc(nulls_first=True), "code")
        .first()
    )


def test_a_representative_reports_a_need_at_the_most_overdue_household_in_six_taps(
    ui_grid_town: UiTown, browser: Any, live_server: Any, persona_context: Any
) -> None:
    rep = ui_grid_town.persona("representative").user
    target = most_overdue(rep)
    page = persona_context(None, PHONE).new_page()
    thumb = Thumb(page)
    page.goto(live_server.url + reverse("accounts:login"))
    thumb.type(page.locator("input[name=username]"), rep.username)
    thumb.type(page.locator("input[name=password]"), PASSWORD)
    thumb.tap(page.locator("form:has(input[name=password]) [type=submit]").first, "log in")

    household_path = reverse("grid:household", args=[target.pk])
    detail = "^" + reverse("grid:household", args=[MARK]).replace(str(MARK), r"\d+") + "$"
    first = thumb.first_link_like(detail)  # the representative's home may list them
    if first is None:
        thumb.tap(thumb.link_to(reverse("grid:mine")), "my households")
        first = thumb.first_link_like(detail)
    assert first is not None, f"no household listed on {page.url}"
    assert first.get_attribute("href").split("?")[0] == household_path, (
        f"the first household listed is {first.get_attribute('href')}, "
        f"not the most overdue ({household_path}, {target})"
    )
    if not page.url.split("?")[0].endswith(household_path):
        thumb.tap(first, "the most overdue household")
    thumb.tap(thumb.link_to(reverse("cases:intake") + f"?household={target.pk}"), "report a need")
    thumb.type(page.locator("textarea[name=text]"), NEED)
    thumb.tap(page.locator("form:has(textarea[name=text]) [type=submit]").first, "save")

    case = saved_case()
    assert case is not None, f"no case saved; the page says: {page.inner_text('main')[:300]}"
    assert len(thumb.taps) <= MAX_TAPS, f"{len(thumb.taps)} taps: {thumb.taps}"
    assert thumb.typed == [rep.username, PASSWORD, NEED], thumb.typed
    assert case.household_id == target.pk, (case.household_id, target.pk)
    assert case.priority == Priority.NORMAL, f"saved as {case.get_priority_display()}"


def saved_case(timeout: float = 5.0) -> Case | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        case = Case.objects.filter(text=NEED).first()
        if case is not None:
            return case
        time.sleep(0.1)
    return None
