from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from grassroots.cases import services
from grassroots.cases.models import Case, Category, Status
from grassroots.cases.tests.helpers import file_case
from grassroots.testing import Town, fresh


@pytest.fixture(autouse=True)
def _empty_cache(db: None) -> None:
    cache.clear()  # the shared cache is the database's (rate-limit counters)


def test_secretaries_see_their_village_cases_and_nothing_else(town: Town, hank, monday) -> None:
    a = file_case(town)
    b = file_case(town, place=town.group_b1)
    assert list(Case.objects.visible_to(town.sam)) == [a]
    assert set(Case.objects.visible_to(town.alice)) == {a, b}
    assert list(Case.objects.visible_to(town.oscar)) == []
    assert list(Case.objects.visible_to(town.ivan)) == []
    assert list(Case.objects.visible_to(hank)) == []  # nothing assigned yet


def test_representatives_see_cases_of_their_households_and_handlers_what_they_hold(
    town: Town, hank, monday
) -> None:
    mine = services.case_submit(
        actor=town.rita, household=town.household_b1, text="家门口的路灯坏了两周了"
    )
    other = services.case_submit(
        actor=None, household=town.household_b2, text="钱家门前的路灯坏了", channel="self"
    )
    assert mine.reporter_representative == town.rep_b
    assert list(Case.objects.visible_to(town.rita)) == [mine]
    # A village-wide report (no household) is everyone's: her village's representative sees it.
    road = file_case(town, place=town.group_b1)
    assert set(Case.objects.visible_to(fresh(town.rita))) == {mine, road}
    services.case_accept(actor=town.alice, case=other)
    services.case_assign(actor=town.alice, case=other, handler=hank)
    assert list(Case.objects.visible_to(hank)) == [other]


def test_the_case_page_shows_only_the_allowed_actions(town: Town, client_for, monday) -> None:
    case = file_case(town)
    page = client_for("sam").get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-action="accept"' in html and 'data-action="reject"' in html
    assert 'data-action="reply"' not in html and 'data-action="whistle"' not in html


def test_a_case_of_another_village_is_a_404_on_every_page(town: Town, client_for, monday) -> None:
    case = file_case(town, place=town.group_b1)
    sam = client_for("sam")
    assert sam.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert sam.post(reverse("cases:act", args=[case.pk, "accept"])).status_code == 404
    assert sam.post(reverse("cases:me_too", args=[case.pk])).status_code == 404
    oscar = client_for("oscar")
    assert oscar.get(reverse("cases:board")).status_code == 404
    assert oscar.get(reverse("cases:measures")).status_code == 404
    assert oscar.get(reverse("cases:inbox")).context["rows"] == []
    rita = client_for("rita")
    url = reverse("cases:intake") + f"?household={town.household_a1.pk}"
    assert rita.get(url).status_code == 404


def test_accepting_through_the_page_with_htmx_swaps_the_case_body(
    town: Town, client_for, monday
) -> None:
    case = file_case(town)
    response = client_for("sam").post(
        reverse("cases:act", args=[case.pk, "accept"]),
        {"accept-note": "收到"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="case-body"' in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_a_representative_files_from_a_household_in_one_step(
    town: Town, client_for, monday
) -> None:
    rita = client_for("rita")
    url = reverse("cases:intake") + f"?household={town.household_b1.pk}"
    assert rita.get(url).status_code == 200
    hint = rita.get(
        reverse("cases:suggest"), {"household": town.household_b1.pk, "text": "家里停水了"}
    )
    assert "供水" in hint.content.decode()
    response = rita.post(url, {"text": "家里停水两天了", "priority": "", "affected_households": 1})
    case = Case.objects.get()
    assert response.status_code == 302 and case.household == town.household_b1
    assert case.category.code.startswith("utilities")


def test_a_resident_files_without_an_account_answers_the_challenge_and_tracks_it(
    town: Town, monday
) -> None:
    client = Client()
    page = client.get(reverse("cases:report"))
    assert page.status_code == 200
    answer = client.session["case_challenge"]
    data = {
        "place": town.group_a1.pk,
        "category": Category.objects.get(code="sanitation").pk,
        "text": "垃圾桶满了一周没人清运",
        "name": "张三",
        "phone": "13700001111",
        "answer": answer,
    }
    wrong = client.post(reverse("cases:report"), {**data, "answer": answer + 1})
    assert wrong.status_code == 200 and not Case.objects.exists()
    data["answer"] = client.session["case_challenge"]
    done = client.post(reverse("cases:report"), data, follow=True)
    case = Case.objects.get()
    assert case.code in done.content.decode()
    assert case.reporter_phone_masked == "137****1111" and "13700001111" not in case.reporter_phone
    track = client.get(reverse("cases:track", args=[case.code])).content.decode()
    assert "张三" not in track and "1111" not in track and "垃圾桶" not in track
    assert Client().get(reverse("cases:track", args=["ZZZZZZZZZZ"])).status_code == 404


def test_self_service_is_rate_limited_per_address(town: Town, monday, settings) -> None:
    client = Client()
    for n in range(6):
        client.get(reverse("cases:report"))
        response = client.post(
            reverse("cases:report"),
            {
                "place": town.group_a1.pk,
                "text": f"第{n}次反映路面问题",
                "answer": client.session["case_challenge"],
            },
        )
    assert Case.objects.count() == 5
    assert response.status_code == 429


def test_the_resident_rates_a_replied_case_on_the_tracking_page(town: Town, hank, monday) -> None:
    case = file_case(town)
    services.case_accept(actor=town.sam, case=case)
    services.case_assign(actor=town.sam, case=case, handler=hank)
    services.case_take(actor=hank, case=case)
    services.case_reply(actor=hank, case=case, reply="已安排修补")
    client = Client()
    client.post(reverse("cases:track", args=[case.code]), {"rating": 4, "comment": "很快"})
    assert Case.objects.get(pk=case.pk).rating == 4


def test_the_public_board_is_anonymised_and_shows_public_categories_only(
    town: Town, monday
) -> None:
    file_case(town, text="路面坑洼需要修补")
    file_case(town, text="邻居占用宅基地", category=Category.objects.get(code="disputes"))
    html = Client().get(reverse("cases:public_board", args=[town.village_a.pk])).content.decode()
    assert "道路破损" in html and "邻里纠纷" not in html and "宅基地" not in html
    assert Client().get(reverse("cases:public_board", args=[town.group_a1.pk])).status_code == 404


def test_the_supervision_board_lists_overdue_cases(town: Town, hank, client_for, monday) -> None:
    from grassroots.cases import sweeps
    from grassroots.cases.tests.helpers import at
    from grassroots.core import clock

    case = file_case(town)
    clock.set_now(at(2026, 10, 14, 12))
    sweeps.sweep()
    html = client_for("alice").get(reverse("cases:board")).content.decode()
    assert case.code in html


# ---------------------------------------------------------------- API


def test_every_transition_is_an_api_endpoint_and_invalid_ones_list_the_allowed(
    town: Town, hank, api_for, monday
) -> None:
    case = file_case(town)
    sam = api_for("sam")
    bad = sam.post(f"/api/cases/{case.pk}/reply/", {"reply": "x"}, format="json")
    assert bad.status_code == 400
    assert "accept" in bad.json()["allowed"]
    assert sam.post(f"/api/cases/{case.pk}/accept/", {}, format="json").status_code == 200
    ok = sam.post(f"/api/cases/{case.pk}/assign/", {"handler": hank.pk}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "assigned"
    h = api_for("hank")
    assert (
        h.post(f"/api/cases/{case.pk}/take/", {}, format="json").json()["status"] == "in_progress"
    )
    r = h.post(f"/api/cases/{case.pk}/reply/", {"reply": "修好了"}, format="json")
    assert r.json()["status"] == "replied"
    denied = h.post(f"/api/cases/{case.pk}/close/", {"closure": "resolved"}, format="json")
    assert denied.status_code == 403
    closed = api_for("alice").post(
        f"/api/cases/{case.pk}/close/", {"closure": "resolved"}, format="json"
    )
    assert closed.json()["status"] == "closed"
    assert [e["kind"] for e in closed.json()["events"]][-1] == "close"


def test_the_api_lists_only_cases_in_reach_and_404s_the_rest(town: Town, api_for, monday) -> None:
    a = file_case(town)
    b = file_case(town, place=town.group_b1)
    sam = api_for("sam")
    listed = sam.get("/api/cases/").json()
    assert [row["code"] for row in listed["results"]] == [a.code]
    assert sam.get(f"/api/cases/{b.pk}/").status_code == 404
    assert sam.post(f"/api/cases/{b.pk}/accept/", {}, format="json").status_code == 404
    assert api_for("oscar").get("/api/cases/").json()["count"] == 0


def test_a_representative_files_through_the_api(town: Town, api_for, monday) -> None:
    rita = api_for("rita")
    created = rita.post(
        "/api/cases/",
        {"household": town.household_b1.pk, "text": "门前水沟堵塞发臭"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["status"] == "submitted"
    other = rita.post(
        "/api/cases/", {"household": town.household_a1.pk, "text": "门前水沟堵塞"}, format="json"
    )
    assert other.status_code == 404


def test_the_schema_documents_the_transition_endpoints(town: Town, client_for) -> None:
    schema = client_for("alice").get("/api/schema/").content.decode()
    assert "/api/cases/{id}/accept/" in schema and "/api/cases/{id}/return/" in schema


def test_login_is_required_for_staff_pages(town: Town) -> None:
    assert Client().get(reverse("cases:inbox")).status_code == 302
    assert Client().get(reverse("cases:board")).status_code == 302


def test_a_need_heard_on_a_visit_is_filed_from_it_with_the_visit_position(
    town: Town, client_for: Any, monday: Any
) -> None:
    from grassroots.grid.models import Visit

    rita = client_for("rita")
    household = town.household_b1
    saved = rita.post(
        f"/grid/households/{household.pk}/visit/",
        {
            "mode": "door",
            "latitude": "28.123456",
            "longitude": "113.654321",
            "accuracy_m": "12",
            "then": "case",
        },
    )
    visit = Visit.objects.get(household=household)
    assert saved.status_code == 302
    assert saved["Location"] == f"/cases/new/?household={household.pk}&visit={visit.pk}"
    page = rita.get(saved["Location"])
    assert page.status_code == 200 and "28.123456" in page.content.decode()
    filed = rita.post(
        saved["Location"],
        {"text": "门前水沟堵塞，下雨就漫进院子", "affected_households": 2, "priority": ""},
    )
    case = Case.objects.get(household=household)
    assert filed.status_code == 302 and filed["Location"] == f"/cases/{case.pk}/"
    assert case.visit == visit and case.channel == "visit"
    assert (case.latitude, case.longitude, case.location_accuracy_m) == (
        visit.latitude,
        visit.longitude,
        12,
    )
    detail = rita.get(f"/cases/{case.pk}/").content.decode()
    assert "28.123456, 113.654321" in detail and "±12 m" in detail


def test_a_visit_of_another_household_cannot_be_attached(
    town: Town, client_for: Any, monday: Any
) -> None:
    from grassroots.grid import services as grid_services

    other = grid_services.visit_log(actor=town.root, household=town.household_a1, mode="phone")
    # Outside rita's reach: the same 404 as a missing visit.
    page = client_for("rita").get(f"/cases/new/?household={town.household_b1.pk}&visit={other.pk}")
    assert page.status_code == 404
    with pytest.raises(ValidationError):
        services.check_filing(
            actor=town.root, text="门前水沟堵塞", household=town.household_b1, visit=other
        )


def test_positions_and_links_are_checked_and_kept_through_the_api(
    town: Town, api_for: Any, monday: Any
) -> None:
    api = api_for("sam")
    body = {"place": town.group_a1.pk, "text": "村口路灯不亮，晚上看不见路"}
    half = api.post("/api/cases/", {**body, "latitude": "28.1"}, format="json")
    assert half.status_code == 400 and "longitude" in half.json()
    far = api.post("/api/cases/", {**body, "latitude": "128.1", "longitude": "3"}, format="json")
    assert far.status_code == 400 and "latitude" in far.json()
    made = api.post(
        "/api/cases/",
        {
            **body,
            "latitude": "28.1",
            "longitude": "113.2",
            "location_accuracy_m": 30,
            "media_url": "https://example.org/a.jpg",
        },
        format="json",
    )
    assert made.status_code == 201
    assert made.json()["latitude"] == "28.100000" and made.json()["media_url"].endswith("a.jpg")
    queued = api.post(
        "/api/case-intake/", {**body, "latitude": "28.1", "longitude": "113.2"}, format="json"
    )
    services.intake_drain()
    case = Case.objects.get(code=queued.json()["code"])
    assert (str(case.latitude), str(case.longitude)) == ("28.100000", "113.200000")
