"""The dashboards: scoped pages and exports, figures equal to the selectors', children that
add up to their node, tiles that link to pages their reader can open."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.analytics.models import MonthFigures, OrgFigures, PlaceFigures
from grassroots.core import clock
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.dashboards import figures
from grassroots.testing import Town

pytestmark = pytest.mark.django_db

# Case and loop counters are filled by the roll-ups of issue #13; these tests set them on the
# prepared rows so that the pages have something other than zero to show and to add up.
VILLAGE_CASES = {
    "village_a": {"cases_open": 3, "cases_overdue": 1, "cases_year": 10, "response_base": 10,
                      "responded_on_time": 9, "resolution_base": 8, "resolved": 6, "callbacks": 5,
                      "satisfied_callbacks": 4, "on_time_base": 6, "on_time": 5},
    "village_b": {"cases_open": 1, "cases_overdue": 0, "cases_year": 4, "response_base": 4,
                      "responded_on_time": 2, "resolution_base": 4, "resolved": 2, "callbacks": 2,
                      "satisfied_callbacks": 2, "on_time_base": 2, "on_time": 1},
}  # fmt: skip
BRANCH_LOOP = {
    "branch_a": {"duty_total_month": 10, "duty_done_month": 7, "duty_overdue": 2,
                     "score_quarter_tenths": 925, "scored_quarter": 1, "rectify_open": 2,
                     "rectify_overdue": 1, "training_members_met_year": 1, "sites_in_use": 1},
    "branch_b": {"duty_total_month": 10, "duty_done_month": 4, "duty_overdue": 3,
                     "score_quarter_tenths": 780, "scored_quarter": 1, "rectify_open": 1,
                     "rectify_overdue": 0, "training_members_met_year": 0, "sites_build": 1},
}  # fmt: skip


def _sum_into(model: Any, parent_path: str, parts: list[dict[str, int]]) -> None:
    total: dict[str, int] = {}
    for part in parts:
        for k, v in part.items():
            total[k] = total.get(k, 0) + v
    model.objects.filter(path=parent_path).update(**total)


@pytest.fixture
def counted(figured: Town) -> Town:
    """Case counters on the villages and loop counters on the branches, rolled up."""
    t = figured
    for name, counters in VILLAGE_CASES.items():
        PlaceFigures.objects.filter(path=getattr(t, name).path).update(**counters)
    _sum_into(PlaceFigures, t.town.path, list(VILLAGE_CASES.values()))
    for name, counters in BRANCH_LOOP.items():
        OrgFigures.objects.filter(path=getattr(t, name).path).update(**counters)
    _sum_into(OrgFigures, t.committee.path, list(BRANCH_LOOP.values()))
    first, _last = figures.last_months(clock.today())
    MonthFigures.objects.create(
        node="place", path=t.town.path, depth=t.town.depth, month=first, visits=7,
        cases_submitted=5, cases_closed=3, updated_at=clock.now(),
    )  # fmt: skip
    return t


def tiles_of(html: str) -> dict[str, str]:
    found = re.findall(
        r'data-figure="([a-z_0-9]+)"[^>]*>\s*<span class="tile__label">[^<]*</span>\s*'
        r'<span class="tile__value">([^<]*)<',
        html,
    )
    return dict(found)


def hrefs_of_tiles(html: str) -> list[str]:
    return [
        h.replace("&amp;", "&") for h in re.findall(r'<a class="tile[^"]*" href="([^"]+)"', html)
    ]


def rows_of(html: str, table: str) -> list[list[str]]:
    section = html.split(f'data-children="{table}"', 1)[1].split("</section>", 1)[0]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        for row in re.findall(r"<tr data-row=.*?</tr>", section, re.S)
    ]


def test_the_town_cockpit_shows_the_selectors_figures(counted: Town, client_for: Any) -> None:
    t = counted
    html = client_for("alice").get(reverse("dashboards:cockpit")).content.decode()
    shown = tiles_of(html)
    place = figures.node_figures(t.alice, "place", t.town.path)
    org = figures.node_figures(t.alice, "org", t.committee.path)
    assert place is not None and org is not None
    assert shown["households"] == str(place["households"])
    assert shown["residents"] == str(place["residents"])
    assert shown["cases_open"] == "4" == str(place["cases_open"])
    assert shown["response_rate"] == f"{place['response_rate'] * 100:.1f}%" == "78.6%"
    assert shown["satisfaction_rate"] == "85.7%"  # 6 of 7 call-backs
    assert shown["duty_completion"] == "55.0%" == f"{org['duty_completion'] * 100:.1f}%"
    assert shown["avg_quarter_score"] == "85.2"  # (92.5 + 78.0) / 2
    assert shown["rectify_overdue"] == "1"
    assert t.town.name in html and t.committee.name in html


def test_the_villages_add_up_to_the_town(counted: Town, client_for: Any) -> None:
    t = counted
    html = client_for("alice").get(reverse("dashboards:place", args=[t.town.pk])).content.decode()
    rows = rows_of(html, "places")
    children, total = rows[:-1], rows[-1]
    assert [r[0] for r in children] == [t.village_a.name, t.village_b.name]
    assert t.town.name in total[0]
    # Counter columns: households, residents, representatives, then open, overdue, this year.
    for col in (1, 2, 3, 6, 7, 8):
        assert sum(int(r[col].replace(",", "")) for r in children) == int(total[col]), col
    assert total[8] == "14"
    town = figures.node_figures(t.alice, "place", t.town.path)
    assert total[1] == str(town["households"]) and town["households"] > 0
    # Each child links to its own dashboard.
    assert reverse("dashboards:place", args=[t.village_a.pk]) in html


def test_the_branches_add_up_to_the_committee(counted: Town, client_for: Any) -> None:
    t = counted
    html = client_for("olga").get(reverse("dashboards:org", args=[t.committee.pk])).content.decode()
    rows = rows_of(html, "orgs")
    children, total = rows[:-1], rows[-1]
    assert {r[0] for r in children} == {t.branch_a.name, t.branch_b.name, t.branch_firm.name}
    for col in (1, 4, 6, 7, 8, 9):  # members, overdue duties, rectification, training, sites
        assert sum(int(r[col]) for r in children) == int(total[col]), col
    assert total[3] == "55.0%"


def test_the_cockpit_is_the_highest_node_reached(counted: Town, client_for: Any) -> None:
    t = counted
    sam = client_for("sam").get(reverse("dashboards:cockpit")).content.decode()
    assert f'data-node="place" data-node-id="{t.village_a.pk}"' in sam
    assert t.branch_a.name in sam  # the village's Party branch, with its figures
    olga = client_for("olga").get(reverse("dashboards:cockpit")).content.decode()
    assert f'data-node="org" data-node-id="{t.committee.pk}"' in olga


def test_out_of_reach_is_404(counted: Town, client_for: Any) -> None:
    t = counted
    sam = client_for("sam")
    assert sam.get(reverse("dashboards:place", args=[t.village_a.pk])).status_code == 200
    assert sam.get(reverse("dashboards:place", args=[t.village_b.pk])).status_code == 404
    assert sam.get(reverse("dashboards:place", args=[t.town.pk])).status_code == 404
    assert sam.get(reverse("dashboards:org", args=[t.branch_b.pk])).status_code == 404
    for name, pk in (("place_export", t.village_b.pk), ("org_export", t.branch_b.pk)):
        assert sam.get(reverse(f"dashboards:{name}", args=[pk, "trend"])).status_code == 404
    # Without the capability there is no dashboard at all.
    oscar = client_for("oscar")
    assert oscar.get(reverse("dashboards:cockpit")).status_code == 404
    assert oscar.get(reverse("dashboards:place", args=[t.village_a.pk])).status_code == 404


def test_a_village_dashboard_shows_only_its_own_figures(counted: Town, client_for: Any) -> None:
    t = counted
    html = (
        client_for("sam").get(reverse("dashboards:place", args=[t.village_a.pk])).content.decode()
    )
    assert tiles_of(html)["cases_year"] == "10"
    assert t.village_b.name not in html and t.town.name not in html
    assert 'data-children="places"' in html  # its groups
    assert reverse("dashboards:place", args=[t.town.pk]) not in html  # no back to the town


def test_every_tile_link_opens_for_its_reader(counted: Town, client_for: Any) -> None:
    t = counted
    for user, url in (
        ("alice", reverse("dashboards:cockpit")),
        ("sam", reverse("dashboards:cockpit")),
        ("olga", reverse("dashboards:org", args=[t.committee.pk])),
        ("ivan", reverse("dashboards:cockpit")),
        ("irene", reverse("dashboards:cockpit")),
    ):
        client = client_for(user)
        response = client.get(url)
        assert response.status_code == 200, (user, url)
        links = hrefs_of_tiles(response.content.decode())
        for href in links:
            got = client.get(href)
            assert got.status_code == 200, (user, href, got.status_code)


def test_the_trend_chart_reads_the_month_rows(counted: Town, client_for: Any) -> None:
    html = client_for("alice").get(reverse("dashboards:cockpit")).content.decode()
    spec = json.loads(
        re.search(
            r'<script id="chart-trend-data" type="application/json">(.*?)</script>', html, re.S
        )[1]
    )
    assert len(spec["categories"]) == 12
    assert [s["data"][0] for s in spec["series"]] == [7, 5, 3]
    assert sum(spec["series"][0]["data"]) == 7


def test_an_export_holds_the_table_of_the_page(counted: Town, client_for: Any) -> None:
    t = counted
    alice = client_for("alice")
    response = alice.get(reverse("dashboards:place_export", args=[t.town.pk, "places"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert [r[0] for r in rows[1:-1]] == [t.village_a.name, t.village_b.name]
    assert rows[-1][8] == 14 == rows[1][8] + rows[2][8]
    assert AuditEvent.objects.filter(action=Action.DASHBOARDS_EXPORTED).count() == 1
    ranking = alice.get(reverse("dashboards:place_export", args=[t.town.pk, "ranking"]))
    ranked = [list(r) for r in load_workbook(io.BytesIO(ranking.content)).worksheets[0].values]
    assert ranked[1][0] == t.village_a.name  # 80.4 % mean of the case rates, before 66.7 %
    assert (
        alice.get(reverse("dashboards:place_export", args=[t.town.pk, "nope"])).status_code == 404
    )
    # An instructor sees the dashboards but exports nothing.
    ivan = client_for("ivan")
    assert (
        ivan.get(reverse("dashboards:org_export", args=[t.branch_b.pk, "sites"])).status_code == 404
    )


def test_a_place_without_prepared_figures_says_so(town: Town, client_for: Any) -> None:
    response = client_for("alice").get(reverse("dashboards:cockpit"))
    assert response.status_code == 200
    assert 'class="chart"' not in response.content.decode()


def test_last_months_spans_a_year_across_january() -> None:
    assert figures.last_months(dt.date(2026, 2, 14)) == (dt.date(2025, 3, 1), dt.date(2026, 2, 1))
    assert len(figures.months_between(*figures.last_months(dt.date(2026, 2, 14)))) == 12


def test_the_cockpit_reads_in_chinese_and_in_english(counted: Town, client_for: Any) -> None:
    alice = client_for("alice")
    chinese = alice.get(reverse("dashboards:cockpit")).content.decode()
    assert "数据驾驶舱" in chinese and "近12个月走访与诉求" in chinese and "按期办结率" in chinese
    alice.post("/i18n/setlang/", {"language": "en", "next": "/dashboards/"})
    english = alice.get(reverse("dashboards:cockpit")).content.decode()
    assert "Dashboard" in english and "Visits and cases, last 12 months" in english
    assert "On-time closing rate" in english and "按期办结率" not in english
