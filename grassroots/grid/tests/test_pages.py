"""The grid pages: who sees what, what they cost in queries, and the visit flow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.core import clock
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.grid import services
from grassroots.grid.models import Household, Visit
from grassroots.testing import Town

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]


@pytest.fixture
def client_for(town: Town) -> ClientFor:
    """Logged-in page clients; force_login because axes refuses Client.login()
    (it authenticates without a request). The login page itself is covered by
    the browser test."""
    from grassroots.accounts.models import User

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make


def add_households(town: Town, count: int, start: int = 100) -> None:
    for i in range(start, start + count):
        group = town.group_a1 if i % 2 else town.group_a2
        household = services.household_create(
            actor=town.root,
            group=group,
            code=f"A-{i:04d}",
            head_name=f"户主{i}",
            phone=f"1390000{i:04d}",
            representative=town.rep_a,
        )
        services.resident_create(actor=town.root, household=household, name=f"户主{i}")


def test_pages_need_a_login() -> None:
    response = Client().get(reverse("grid:household_list"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- grid browser ---------------------------------------------------------------


def test_browser_counts_households_per_village(client_for: ClientFor, town: Town) -> None:
    services.visit_log(actor=town.root, household=town.household_a1)
    response = client_for("alice").get(reverse("grid:place", args=[town.town.pk]))
    assert response.status_code == 200
    counts = {p.name: p.counts for p in response.context["children"]}
    assert counts["明月村"].households == 2 and counts["明月村"].visited_pct == 50
    assert counts["明月村"].residents == 1 and counts["明月村"].representatives == 1
    assert counts["上杉市村"].households == 2 and counts["上杉市村"].visited_pct == 0


def test_secretary_browser_starts_at_her_village(client_for: ClientFor, town: Town) -> None:
    response = client_for("sam").get(reverse("grid:browser"))
    assert [p.pk for p in response.context["children"]] == [town.village_a.pk]


def test_secretary_sees_only_her_village_below_the_town(client_for: ClientFor, town: Town) -> None:
    response = client_for("sam").get(reverse("grid:place", args=[town.town.pk]))
    assert [p.name for p in response.context["children"]] == ["明月村"]


def test_secretary_cannot_open_a_place_of_village_b(client_for: ClientFor, town: Town) -> None:
    sam = client_for("sam")
    assert sam.get(reverse("grid:place", args=[town.village_b.pk])).status_code == 404
    assert sam.get(reverse("grid:place", args=[town.group_b1.pk])).status_code == 404


def test_representative_counts_only_her_own_households(client_for: ClientFor, town: Town) -> None:
    response = client_for("rita").get(reverse("grid:place", args=[town.group_b1.pk]))
    assert response.status_code == 200
    assert response.context["total"].households == 1  # B-002 is not hers


def test_outsider_browser_is_empty_and_places_are_404(client_for: ClientFor, town: Town) -> None:
    oscar = client_for("oscar")
    assert oscar.get(reverse("grid:browser")).context["children"] == []
    assert oscar.get(reverse("grid:place", args=[town.town.pk])).status_code == 404


def test_browser_runs_the_same_number_of_queries_whatever_the_children(
    client_for: ClientFor, town: Town
) -> None:
    alice = client_for("alice")
    url = reverse("grid:place", args=[town.village_a.pk])
    alice.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        alice.get(url)
    for i in range(3, 9):
        services.place_create(actor=town.root, parent=town.village_a, kind="group", name=f"{i}组")
    add_households(town, 6)
    with CaptureQueriesContext(connection) as many:
        response = alice.get(url)
    assert len(response.context["children"]) == 8
    assert len(many) == len(few)


# --- household list -------------------------------------------------------------


def test_household_list_is_scoped(client_for: ClientFor) -> None:
    codes = [h.code for h in client_for("sam").get(reverse("grid:household_list")).context["page"]]
    assert codes == ["A-001", "A-002"]
    codes = [h.code for h in client_for("rita").get(reverse("grid:household_list")).context["page"]]
    assert codes == ["B-001"]
    assert list(client_for("oscar").get(reverse("grid:household_list")).context["page"]) == []


def test_household_list_filters_by_search_place_and_visits(
    client_for: ClientFor, town: Town
) -> None:
    alice = client_for("alice")
    url = reverse("grid:household_list")
    assert [h.code for h in alice.get(url, {"q": "赵"}).context["page"]] == ["B-001"]
    assert [h.code for h in alice.get(url, {"q": "13912345678"}).context["page"]] == ["A-002"]
    in_b = alice.get(url, {"place": town.village_b.pk}).context["page"]
    assert [h.code for h in in_b] == ["B-001", "B-002"]
    services.visit_log(actor=town.root, household=town.household_b1)
    recent = alice.get(url, {"visit": "recent"}).context["page"]
    assert [h.code for h in recent] == ["B-001"]


def test_household_list_sorts_and_pages(client_for: ClientFor, town: Town) -> None:
    add_households(town, 12)
    alice = client_for("alice")
    url = reverse("grid:household_list")
    response = alice.get(url, {"sort": "-code", "page_size": 5, "page": 2})
    page = response.context["page"]
    assert page.paginator.count == 16 and len(page.object_list) == 5
    codes = [h.code for h in page.object_list]
    assert codes == sorted(codes, reverse=True)


def test_household_list_shows_masked_phones_only(client_for: ClientFor) -> None:
    html = client_for("alice").get(reverse("grid:household_list")).content.decode()
    assert "138****5678" in html and "13812345678" not in html


def test_htmx_request_gets_only_the_table(client_for: ClientFor) -> None:
    response = client_for("alice").get(reverse("grid:household_list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="hh-table"' in html and "<html" not in html


def test_household_list_runs_the_same_number_of_queries_for_10_and_100_rows(
    client_for: ClientFor, town: Town
) -> None:
    add_households(town, 110)
    tag = services.ensure_tags(["独居老人"])["独居老人"]
    for household in Household.objects.all()[:50]:
        household.tags.add(tag)
    alice = client_for("alice")
    url = reverse("grid:household_list")
    alice.get(url)
    with CaptureQueriesContext(connection) as small:
        r10 = alice.get(url, {"page_size": 10})
    with CaptureQueriesContext(connection) as large:
        r100 = alice.get(url, {"page_size": 100})
    assert len(r10.context["page"].object_list) == 10
    assert len(r100.context["page"].object_list) == 100
    assert len(small) == len(large)


# --- household detail and reveal -----------------------------------------------


def test_household_detail_shows_masked_data(client_for: ClientFor, town: Town) -> None:
    response = client_for("sam").get(reverse("grid:household", args=[town.household_a1.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "138****5678" in html and "430121********1237" in html
    assert "430121199001011237" not in html and "13812345678" not in html


@pytest.mark.parametrize(
    ("username", "household"),
    [
        ("sam", "household_b1"),
        ("rita", "household_a1"),
        ("rita", "household_b2"),
        ("oscar", "household_a1"),
    ],
)
def test_household_detail_out_of_scope_is_404(
    client_for: ClientFor, town: Town, username: str, household: str
) -> None:
    pk = getattr(town, household).pk
    assert client_for(username).get(reverse("grid:household", args=[pk])).status_code == 404


def test_reveal_shows_the_value_and_writes_an_audit_row(client_for: ClientFor, town: Town) -> None:
    url = reverse("core:reveal", args=["grid.household", town.household_a1.pk, "phone"])
    sam = client_for("sam")
    form = sam.get(url, HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    response = sam.post(url, {"reason": "contact", "details": "核实走访"}, HTTP_HX_REQUEST="true")
    assert "13812345678" in response.content.decode()
    event = AuditEvent.objects.get(action=Action.PERSONAL_REVEALED)
    assert event.actor == town.sam and event.object_id == str(town.household_a1.pk)
    assert "核实走访" in event.reason


def test_reveal_without_a_reason_reveals_nothing(client_for: ClientFor, town: Town) -> None:
    url = reverse(
        "core:reveal", args=["grid.resident", town.household_a1.residents.get().pk, "id_number"]
    )
    response = client_for("sam").post(url, {"reason": ""})
    assert "430121199001011237" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.PERSONAL_REVEALED).exists()


def test_reveal_out_of_scope_is_404(client_for: ClientFor, town: Town) -> None:
    url = reverse("core:reveal", args=["grid.household", town.household_b1.pk, "phone"])
    assert client_for("sam").post(url, {"reason": "contact"}).status_code == 404
    assert client_for("oscar").get(url).status_code == 404
    bad_field = reverse("core:reveal", args=["grid.household", town.household_a1.pk, "address"])
    assert client_for("sam").get(bad_field).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.PERSONAL_REVEALED).exists()


def test_roles_without_reveal_get_no_button_and_403(client_for: ClientFor, town: Town) -> None:
    from grassroots.accounts.services import role_grant
    from grassroots.core.roles import Role
    from grassroots.testing import make_user

    hank = make_user("hank")
    # An inspector reads the village's households without the reveal capability
    # (a handler reaches only the households of their cases: see the cases tests).
    role_grant(actor=town.root, user=hank, role=Role.INSPECTOR, place=town.village_a)
    hank_client = client_for("hank")
    html = hank_client.get(reverse("grid:household", args=[town.household_a1.pk])).content.decode()
    assert (
        reverse("core:reveal", args=["grid.household", town.household_a1.pk, "phone"]) not in html
    )
    url = reverse("core:reveal", args=["grid.household", town.household_a1.pk, "phone"])
    assert hank_client.post(url, {"reason": "contact"}).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.PERSONAL_REVEALED).exists()


# --- my households and the visit form ------------------------------------------


def test_my_households_lists_only_hers_with_freshness(client_for: ClientFor, town: Town) -> None:
    response = client_for("rita").get(reverse("grid:mine"))
    rows = response.context["households"]
    assert [h.code for h in rows] == ["B-001"] and rows[0].fresh_class == "fresh-never"


def test_my_households_are_sorted_most_overdue_first(client_for: ClientFor, town: Town) -> None:
    now = clock.now()
    services.visit_log(
        actor=town.root, household=town.household_a1, visited_at=now - dt.timedelta(days=40)
    )
    services.visit_log(
        actor=town.root, household=town.household_a2, visited_at=now - dt.timedelta(days=20)
    )
    from grassroots.testing import make_user

    zed = make_user("zed")
    town.rep_a.user = zed
    town.rep_a.save(update_fields=["user"])
    rows = client_for("zed").get(reverse("grid:mine")).context["households"]
    assert [(h.code, h.fresh_class) for h in rows] == [
        ("A-001", "fresh-stale"),
        ("A-002", "fresh-warn"),
    ]


def test_representative_logs_a_visit_and_the_household_turns_green(
    client_for: ClientFor, town: Town
) -> None:
    rita = client_for("rita")
    url = reverse("grid:visit_new", args=[town.household_b1.pk])
    assert rita.get(url).status_code == 200
    response = rita.post(
        url,
        {
            "mode": "phone",
            "notes": "身体好",
            "latitude": "28.123456",
            "longitude": "112.654321",
            "accuracy_m": "12",
            "device_time": "2026-01-02T03:04:05.000Z",
        },
    )
    assert response.status_code == 302 and response.url.startswith(reverse("grid:mine"))
    visit = Visit.objects.get()
    assert visit.mode == "phone" and visit.accuracy_m == 12 and visit.device_time.year == 2026
    assert visit.representative == town.rep_b
    rows = rita.get(reverse("grid:mine")).context["households"]
    assert rows[0].fresh_class == "fresh-ok"


def test_representative_cannot_log_a_visit_to_another_household(
    client_for: ClientFor, town: Town
) -> None:
    rita = client_for("rita")
    for household in (town.household_a1, town.household_b2):
        url = reverse("grid:visit_new", args=[household.pk])
        assert rita.post(url, {"mode": "door"}).status_code == 404
    assert not Visit.objects.exists()


def test_secretary_may_not_log_visits(client_for: ClientFor, town: Town) -> None:
    url = reverse("grid:visit_new", args=[town.household_a1.pk])
    assert client_for("sam").post(url, {"mode": "door"}).status_code == 403
    assert (
        client_for("sam")
        .post(reverse("grid:visit_new", args=[town.household_b1.pk]), {"mode": "door"})
        .status_code
        == 404
    )
