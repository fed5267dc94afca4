"""Issue #10 on the Party pages: the guidance date, a collapsed and searchable tree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grassroots.core import clock
from grassroots.party import services
from grassroots.party.models import GuidanceVisit, Organization
from grassroots.testing import Town

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]


def test_the_guidance_date_is_shown_as_an_iso_value_on_a_chinese_page(
    client_for: ClientFor, town: Town
) -> None:
    """The defect: the value was rendered 2026/11/29 and the date input showed blank."""
    clock.set_now(timezone.make_aware(dt.datetime(2026, 11, 29, 9, 0)))
    html = (
        client_for("ivan")
        .get(reverse("party:guidance_new", args=[town.branch_b.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )
    assert 'type="date"' in html and 'value="2026-11-29"' in html and "2026/11/29" not in html


def test_a_guidance_visit_keeps_the_date_chosen(client_for: ClientFor, town: Town) -> None:
    day = clock.today() - dt.timedelta(days=2)
    url = reverse("party:guidance_new", args=[town.branch_b.pk])
    response = client_for("ivan").post(url, {"topic": "三会一课", "visited_on": day.isoformat()})
    assert response.status_code == 302
    assert GuidanceVisit.objects.get().visited_on == day


@pytest.fixture
def deep(town: Town) -> Organization:
    """committee → general branch 总支 → branch 深处支部 → group 深处党小组."""
    general = services.organization_create(
        actor=town.root, parent=town.committee, kind="general_branch", name="测试总支"
    )
    branch = services.organization_create(
        actor=town.root, parent=general, kind="branch", name="深处支部"
    )
    services.organization_create(actor=town.root, parent=branch, kind="group", name="深处党小组")
    services.member_create(actor=town.root, organization=branch, name="深处党员")
    return branch


def test_the_tree_opens_two_levels_and_loads_the_rest_on_demand(
    client_for: ClientFor, town: Town, deep: Organization
) -> None:
    olga = client_for("olga")
    response = olga.get(reverse("party:tree"))
    html = response.content.decode()
    assert "测试总支" in html and "深处支部" not in html
    (committee,) = response.context["roots"]
    general = next(n for n in committee.children if n.org.name == "测试总支")
    assert general.has_children and general.children == [] and general.full == 1
    # Opening the general branch asks for its children only (a fragment to htmx).
    kids = olga.get(reverse("party:tree"), {"children": general.org.pk}, HTTP_HX_REQUEST="true")
    fragment = kids.content.decode()
    assert "深处支部" in fragment and "<html" not in fragment and "深处党小组" not in fragment
    # Without JavaScript the same link opens a page rooted at that node.
    page = olga.get(reverse("party:tree"), {"children": general.org.pk})
    assert "<html" in page.content.decode() and "深处支部" in page.content.decode()


def test_the_tree_is_searched_by_name_on_the_server(
    client_for: ClientFor, town: Town, deep: Organization
) -> None:
    response = client_for("olga").get(reverse("party:tree"), {"q": "深处"})
    names = [n.org.name for n in response.context["results"]]
    assert names == ["深处支部", "深处党小组"]
    assert response.context["results"][1].crumbs == ["中共测试镇委员会", "测试总支", "深处支部"]
    fragment = client_for("olga").get(reverse("party:tree"), {"q": "深处"}, HTTP_HX_REQUEST="true")
    assert 'id="tree-body"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_a_search_finds_only_what_the_user_reaches(client_for: ClientFor, town: Town) -> None:
    response = client_for("ivan").get(reverse("party:tree"), {"q": "党支部"})
    assert [n.org.name for n in response.context["results"]] == ["上杉市村党支部"]
    assert (
        client_for("ivan").get(reverse("party:tree"), {"children": town.branch_a.pk}).status_code
        == 404
    )


def test_a_deeper_tree_costs_no_more_queries(
    client_for: ClientFor, town: Town, deep: Organization
) -> None:
    olga = client_for("olga")
    olga.get(reverse("party:tree"))
    with CaptureQueriesContext(connection) as few:
        olga.get(reverse("party:tree"))
    general = Organization.objects.get(name="测试总支")
    for i in range(6):
        branch = services.organization_create(
            actor=town.root, parent=general, kind="branch", name=f"加支部{i}"
        )
        services.organization_create(actor=town.root, parent=branch, kind="group", name=f"组{i}")
    with CaptureQueriesContext(connection) as many:
        olga.get(reverse("party:tree"))
    assert len(many) == len(few)


def test_logging_guidance_has_one_name_everywhere(client_for: ClientFor, town: Town) -> None:
    """Issue #10: the action was called 登记指导, 登记走访 and 保存走访 on three screens."""
    label = "登记指导"
    ivan = client_for("ivan")
    pages = [
        reverse("home:home"),
        reverse("party:my_branches"),
        reverse("party:org", args=[town.branch_b.pk]),
        reverse("party:guidance_new", args=[town.branch_b.pk]),
    ]
    for url in pages:
        html = ivan.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "保存走访" not in html and "登记走访" not in html, url
    for url in pages[1:]:
        html = ivan.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert label in html, url


def test_an_organisation_page_lists_the_organisations_below(
    client_for: ClientFor, town: Town, deep: Organization
) -> None:
    general = Organization.objects.get(name="测试总支")
    response = client_for("olga").get(reverse("party:org", args=[general.pk]))
    assert [n.org.name for n in response.context["below"]] == ["深处支部"]
    assert reverse("party:org", args=[deep.pk]) in response.content.decode()
