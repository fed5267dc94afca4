"""Issue #14: similar cases on every channel, and 报到 (reporting in) through the API."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from grassroots.cases import services
from grassroots.cases.models import Case, CaseEvent, Category, Closure
from grassroots.cases.tests.helpers import file_case
from grassroots.testing import Town

LAMP = "明月村村口的路灯坏了好几天了，晚上黑漆漆的"
LAMP_AGAIN = "村头那盏灯晚上不亮，老人出门不方便"


def test_the_api_lists_similar_open_cases_before_and_after_filing(
    town: Town, api_for: object, monday
) -> None:
    first = file_case(town, text=LAMP)
    file_case(town, text="低保补贴什么时候发放")
    api = api_for("sam")
    before = api.get("/api/cases/similar/", {"text": LAMP_AGAIN, "place": town.group_a2.pk})
    assert before.status_code == 200, before.content
    [row] = before.json()
    assert row["id"] == first.pk and row["score"] >= 0.2 and row["category"] == "roads-repair"
    by_household = api.get(
        "/api/cases/similar/", {"text": LAMP_AGAIN, "household": town.household_a1.pk}
    )
    assert [r["id"] for r in by_household.json()] == [first.pk]
    second = file_case(town, text=LAMP_AGAIN)
    after = api.get("/api/cases/similar/", {"case": second.pk})
    assert [r["id"] for r in after.json()] == [first.pk]
    assert api.get("/api/cases/similar/", {"text": LAMP_AGAIN}).status_code == 400
    # Out of reach: the case answers as missing; a text finds nothing the caller cannot see.
    oscar = api_for("oscar")
    assert oscar.get("/api/cases/similar/", {"case": second.pk}).status_code == 404
    outside = oscar.get("/api/cases/similar/", {"text": LAMP_AGAIN, "place": town.group_a2.pk})
    assert outside.status_code == 200 and outside.json() == []


def test_the_case_page_shows_its_likely_duplicates_whatever_the_channel(
    town: Town, client_for: object, monday
) -> None:
    first = file_case(town, text=LAMP)
    second = file_case(town, text=LAMP_AGAIN)
    page = client_for("sam").get(reverse("cases:detail", args=[second.pk])).content.decode()
    assert f'data-similar="{first.pk}"' in page


def test_a_resident_is_told_a_similar_problem_is_being_handled(town: Town, monday) -> None:
    lights = Category.objects.get(code="roads-lights")
    file_case(town, text=LAMP, category=lights)
    client = Client()
    client.get(reverse("cases:report"))
    done = client.post(
        reverse("cases:report"),
        {
            "place": town.group_a2.pk,
            "category": lights.pk,
            "text": LAMP_AGAIN,
            "answer": client.session["case_challenge"],
        },
        follow=True,
    )
    html = done.content.decode()
    assert Case.objects.count() == 2 and "data-similar" in html
    assert str(lights) in html and LAMP[:6] not in html  # category and status, never the text


def test_a_summoned_handler_reports_in_through_the_api(
    town: Town, hank, api_for: object, monday
) -> None:
    case = file_case(town)
    [summons] = services.case_whistle(actor=town.alice, case=case, users=[hank])
    url = f"/api/cases/{case.pk}/report-in/"
    assert api_for("oscar").post(url, {}, format="json").status_code == 404
    # Someone who sees the case but has no summons waiting: 400, said so.
    nothing = api_for("sam").post(url, {}, format="json")
    assert nothing.status_code == 400 and "summons" in nothing.json()
    assert api_for("sam").post(url, {"summons": summons.pk}, format="json").status_code == 404
    done = api_for("hank").post(url, {"note": "已到现场"}, format="json")
    assert done.status_code == 200, done.content
    assert [e["kind"] for e in done.json()["events"]].count("acknowledge") == 1
    summons.refresh_from_db()
    assert summons.acknowledged_by == hank
    assert CaseEvent.objects.filter(case=case, kind="acknowledge").count() == 1


def test_reporting_in_on_a_closed_case_names_the_allowed_actions(
    town: Town, hank, api_for: object, monday
) -> None:
    case = file_case(town)
    [summons] = services.case_whistle(actor=town.alice, case=case, users=[hank])
    services.case_withdraw(actor=town.sam, case=case, closure=Closure.DUPLICATE)
    refused = api_for("hank").post(
        f"/api/cases/{case.pk}/report-in/", {"summons": summons.pk}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["allowed"] == ["reopen"]
    summons.refresh_from_db()
    assert summons.acknowledged_at is None
