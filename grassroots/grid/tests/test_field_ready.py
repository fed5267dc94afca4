"""Issue #10 on the grid pages: ISO dates, the visit date, "today", readable figures, cost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from grassroots.core import clock
from grassroots.grid import services
from grassroots.grid.forms import VisitForm
from grassroots.grid.models import Visit
from grassroots.testing import Town, make_user

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]


def test_the_visit_date_is_an_iso_value_on_a_chinese_page(
    client_for: ClientFor, town: Town
) -> None:
    clock.set_now(timezone.make_aware(dt.datetime(2026, 11, 29, 10, 0)))
    html = (
        client_for("rita")
        .get(reverse("grid:visit_new", args=[town.household_b1.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )
    assert 'type="date"' in html and 'value="2026-11-29"' in html
    assert "2026/11/29" not in html and 'max="2026-11-29"' in html


def test_a_date_input_stays_iso_in_every_language() -> None:
    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = str(VisitForm(initial={"visited_on": dt.date(2026, 3, 4)})["visited_on"])
        assert 'value="2026-03-04"' in html


def test_a_visit_logged_for_an_earlier_day_is_dated_that_day(
    client_for: ClientFor, town: Town
) -> None:
    day = clock.today() - dt.timedelta(days=3)
    url = reverse("grid:visit_new", args=[town.household_b1.pk])
    response = client_for("rita").post(url, {"mode": "door", "visited_on": day.isoformat()})
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert timezone.localtime(visit.visited_at).date() == day


def test_a_visit_today_is_dated_now_and_a_future_day_is_refused(
    client_for: ClientFor, town: Town
) -> None:
    url = reverse("grid:visit_new", args=[town.household_b1.pk])
    rita = client_for("rita")
    tomorrow = clock.today() + dt.timedelta(days=1)
    refused = rita.post(url, {"mode": "door", "visited_on": tomorrow.isoformat()})
    assert refused.status_code == 200 and refused.context["form"].errors["visited_on"]
    assert not Visit.objects.exists()
    rita.post(url, {"mode": "door", "visited_on": clock.today().isoformat()})
    assert abs((Visit.objects.get().visited_at - clock.now()).total_seconds()) < 60


def test_the_household_page_says_today_not_zero_days_ago(client_for: ClientFor, town: Town) -> None:
    services.visit_log(actor=town.root, household=town.household_b1)
    html = (
        client_for("rita")
        .get(reverse("grid:household", args=[town.household_b1.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )
    assert "今天" in html and "0 天前" not in html


@pytest.mark.parametrize(
    ("days", "zh", "en"),
    [(0, "今天", "today"), (1, "昨天", "yesterday"), (3, "3 天前", "3 days ago"), (None, "", "")],
)
def test_days_ago_reads_like_speech(days: int | None, zh: str, en: str) -> None:
    template = Template("{{ d|days_ago }}")
    for language, expected in (("zh-hans", zh), ("en", en)):
        with translation.override(language):
            assert template.render(Context({"d": days})) == expected


def test_counts_have_separators_and_rates_one_decimal() -> None:
    template = Template("{{ n|count }} {{ r|percent }} {{ none|percent }}")
    assert template.render(Context({"n": 6896, "r": 66.66666, "none": None})) == "6,896 66.7% –"


def test_visited_shares_have_one_decimal(client_for: ClientFor, town: Town) -> None:
    services.visit_log(actor=town.root, household=town.household_a1)
    response = client_for("alice").get(reverse("grid:browser"))
    # 1 of 4 households in the town; the village page shows 1 of 2.
    village = client_for("alice").get(reverse("grid:place", args=[town.village_a.pk]))
    assert village.context["total"].visited_pct == 50.0
    assert response.status_code == 200


def test_my_households_cost_the_same_queries_for_2_and_40_households(town: Town) -> None:
    zed = make_user("zed")
    town.rep_a.user = zed
    town.rep_a.save(update_fields=["user"])
    client = Client()
    client.force_login(zed)
    url = reverse("grid:mine")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).context["households"]) == 2
    for i in range(38):
        services.household_create(
            actor=town.root,
            group=town.group_a1,
            code=f"A-{i + 100:04d}",
            head_name=f"户主{i}",
            representative=town.rep_a,
        )
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).context["households"]) == 40
    assert len(many) == len(few)


def test_logging_a_visit_has_one_name_everywhere(client_for: ClientFor, town: Town) -> None:
    """登记走访 on the list, the household and the form's own button; never 保存走访."""
    rita = client_for("rita")
    for url in (
        reverse("grid:mine"),
        reverse("grid:household", args=[town.household_b1.pk]),
        reverse("grid:visit_new", args=[town.household_b1.pk]),
    ):
        html = rita.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "登记走访" in html and "保存走访" not in html, url


def test_the_visit_form_offers_the_mode_as_a_segmented_control(
    client_for: ClientFor, town: Town
) -> None:
    html = (
        client_for("rita")
        .get(reverse("grid:visit_new", args=[town.household_b1.pk]))
        .content.decode()
    )
    assert 'class="segmented"' in html
    assert 'name="mode" value="door"' in html and "checked" in html


def test_the_filter_drawer_counts_the_active_filters(client_for: ClientFor, town: Town) -> None:
    response = client_for("alice").get(
        reverse("grid:household_list"), {"visit": "never", "q": "王", "sort": "code"}
    )
    assert response.context["active_filters"] == 2
    assert 'class="kit-filters' in response.content.decode()


@pytest.mark.parametrize(
    ("username", "url", "query"),
    [
        ("sam", "grid:mine", {}),
        ("alice", "grid:household_list", {"q": "没有这户"}),
        ("oscar", "grid:browser", {}),
        ("sam", "party:my_branches", {}),
        ("olga", "party:tree", {"q": "没有这个组织"}),
    ],
)
def test_every_empty_list_says_what_to_do(
    client_for: ClientFor, town: Town, username: str, url: str, query: dict[str, str]
) -> None:
    html = client_for(username).get(reverse(url), query).content.decode()
    assert 'class="empty' in html and "empty__text" in html
