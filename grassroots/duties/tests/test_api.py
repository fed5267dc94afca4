"""The API: scoped lists and details, writes through the services, 400 with the message."""

from __future__ import annotations

import pytest

from grassroots.core import clock
from grassroots.duties import services
from grassroots.duties.models import Assignment, BranchFigure, Item, Plan
from grassroots.duties.tests.conftest import item_fields, items_of, make_plan

pytestmark = pytest.mark.django_db
S = Assignment.Status


@pytest.fixture
def generated(town, now):
    plan = make_plan(
        town,
        item_fields(steps=["一"], weight=50),
        item_fields(title="审核", weight=50, review_required=True),
    )
    services.generate(on=clock.today())
    return plan


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def test_lists_are_scoped(town, generated, api_for) -> None:
    sam = api_for("sam")
    mine = set(Assignment.objects.filter(organization=town.branch_a).values_list("pk", flat=True))
    assert ids(sam.get("/api/duty-assignments/")) == mine
    theirs = Assignment.objects.filter(organization=town.branch_b).first()
    assert sam.get(f"/api/duty-assignments/{theirs.pk}/").status_code == 404
    assert (
        sam.post(f"/api/duty-assignments/{theirs.pk}/complete/", {}, format="json").status_code
        == 404
    )
    ivan = api_for("ivan")
    figures = BranchFigure.objects.filter(organization=town.branch_b)
    assert ids(ivan.get("/api/duty-figures/")) == set(figures.values_list("pk", flat=True))
    # A secretary sees the plan their branch works to; an outsider nothing.
    assert ids(sam.get("/api/duty-plans/")) == {generated.pk}
    assert ids(api_for("oscar").get("/api/duty-plans/")) == set()
    item = items_of(generated)[0]
    body = sam.get(f"/api/duty-items/{item.pk}/").json()
    assert body["current"]["number"] == 1 and len(body["versions"]) == 1


def test_filters(town, generated, api_for) -> None:
    olga = api_for("olga")
    url = f"/api/duty-assignments/?branch={town.branch_a.pk}&period=2026-W48&cadence=weekly&status=not_started&open=true"
    assert len(ids(olga.get(url))) == 2
    assert olga.get("/api/duty-assignments/?open=false").json()["count"] == 0
    assert olga.get("/api/duty-assignments/?branch=99999999999999999999").status_code == 400
    assert olga.get("/api/duty-figures/?cadence=weekly&period=2026-W48").json()["count"] == 3


def test_secretary_completes_and_steps_through_the_api(town, generated, api_for) -> None:
    sam = api_for("sam")
    a = Assignment.objects.get(organization=town.branch_a, version__title="周工作提醒")
    r = sam.post(f"/api/duty-assignments/{a.pk}/toggle-step/", {"index": 0}, format="json")
    assert r.status_code == 200 and r.json()["steps"][0]["done"] is True
    r = sam.post(f"/api/duty-assignments/{a.pk}/toggle-step/", {"index": 5}, format="json")
    assert r.status_code == 400 and "index" in r.json()
    r = sam.post(f"/api/duty-assignments/{a.pk}/complete/", {"note": "好"}, format="json")
    assert r.json()["status"] == S.DONE
    r = sam.post(f"/api/duty-assignments/{a.pk}/complete/", {}, format="json")
    assert r.status_code == 400 and "重新打开" in str(r.json()["status"])
    assert sam.post(f"/api/duty-assignments/{a.pk}/reopen/").json()["status"] == S.NOT_STARTED


def test_review_through_the_api(town, generated, api_for) -> None:
    a = Assignment.objects.get(organization=town.branch_a, version__title="审核")
    assert (
        api_for("sam")
        .post(f"/api/duty-assignments/{a.pk}/complete/", {}, format="json")
        .json()["status"]
        == S.SUBMITTED
    )
    olga = api_for("olga")
    r = olga.post(f"/api/duty-assignments/{a.pk}/review/", {"approve": False}, format="json")
    assert r.status_code == 400 and "reason" in r.json()
    r = olga.post(
        f"/api/duty-assignments/{a.pk}/review/", {"approve": False, "reason": "补充"}, format="json"
    )
    assert r.json()["status"] == S.RETURNED


def test_plans_and_items_through_the_api(town, now, api_for) -> None:
    olga = api_for("olga")
    r = olga.post(
        "/api/duty-plans/",
        {
            "organization": town.committee.pk,
            "title": "API 清单",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
        format="json",
    )
    assert r.status_code == 201
    plan = Plan.objects.get(pk=r.json()["id"])
    r = olga.post(
        "/api/duty-items/",
        {
            "plan": plan.pk,
            "title": "周提醒",
            "category": "other",
            "cadence": "weekly",
            "due_rule": "weekday",
            "weight": 100,
        },
        format="json",
    )
    assert r.status_code == 400 and "due_n" in r.json()
    r = olga.post(
        "/api/duty-items/",
        {
            "plan": plan.pk,
            "title": "周提醒",
            "category": "other",
            "cadence": "weekly",
            "due_rule": "weekday",
            "due_n": 5,
            "weight": 90,
        },
        format="json",
    )
    assert r.status_code == 201
    item = Item.objects.get(pk=r.json()["id"])
    r = olga.post(f"/api/duty-plans/{plan.pk}/publish/")
    assert r.status_code == 400 and "90" in str(r.json()["weight"])
    r = olga.patch(f"/api/duty-items/{item.pk}/", {"weight": 100}, format="json")
    assert r.status_code == 200 and r.json()["current"]["number"] == 2
    assert olga.post(f"/api/duty-plans/{plan.pk}/publish/").json()["status"] == "published"
    assert Assignment.objects.filter(plan=plan).count() == 3  # this week's, sent at once
    assert api_for("sam").post(f"/api/duty-plans/{plan.pk}/close/").status_code == 403
    assert olga.post(f"/api/duty-items/{item.pk}/retire/").json()["retired"] is True
    assert olga.post(f"/api/duty-plans/{plan.pk}/close/").json()["status"] == "closed"


def test_a_required_file_through_the_api(town, now, api_for) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grassroots.duties.models import Evidence

    make_plan(town, item_fields(evidence=Evidence.REQUIRED))
    services.generate(on=clock.today())
    a = Assignment.objects.get(organization=town.branch_a)
    sam = api_for("sam")
    r = sam.post(f"/api/duty-assignments/{a.pk}/complete/", {"note": "x"}, format="json")
    assert r.status_code == 400 and "evidence" in r.json()
    bad = SimpleUploadedFile("a.pdf", b"not a pdf", content_type="application/pdf")
    r = sam.post(f"/api/duty-assignments/{a.pk}/complete/", {"evidence": bad}, format="multipart")
    assert r.status_code == 400 and "evidence" in r.json()
    good = SimpleUploadedFile("a.pdf", b"%PDF-1.7 ok", content_type="application/pdf")
    r = sam.post(f"/api/duty-assignments/{a.pk}/complete/", {"evidence": good}, format="multipart")
    assert r.status_code == 200 and r.json()["status"] == S.DONE and r.json()["evidence"] is True
