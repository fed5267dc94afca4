from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from grassroots.inspections import services
from grassroots.inspections.models import (
    Application,
    Campaign,
    IndicatorSet,
    InspectionPlan,
    StarRating,
)
from grassroots.inspections.tests.helpers import active_set, pin
from grassroots.testing import Town


def test_an_inspector_draws_a_plan_sample_from_the_plans_page(town: Town, client_for: Any) -> None:
    pin(2026, 5, 4)
    plan = services.plan_create(
        actor=town.irene,
        committee=town.committee,
        title="五月督查",
        indicator_set=active_set(town),
        starts_on=dt.date(2026, 5, 1),
        ends_on=dt.date(2026, 5, 31),
    )
    irene = client_for("irene")
    assert irene.post(reverse("inspections:draw", args=[plan.pk]), {"size": "9"}).status_code == 302
    plan.refresh_from_db()
    assert plan.drawn_at is None  # 9 > 3 branches: refused, nothing drawn
    irene.post(reverse("inspections:draw", args=[plan.pk]), {"size": "2", "seed": "42"})
    plan = InspectionPlan.objects.get(pk=plan.pk)
    assert plan.seed == 42 and len(plan.drawn()) == 2
    page = irene.get(reverse("inspections:plans")).content.decode()
    first = plan.drawn()[0]
    assert f"?organization={first.pk}&amp;plan={plan.pk}" in page
    assert client_for("sam").get(reverse("inspections:plans")).status_code == 403


def test_a_secretary_applies_and_the_inspector_takes_it_to_a_star_rating(
    town: Town, client_for: Any
) -> None:
    pin(2026, 9, 10)
    criteria = active_set(town, purpose="campaign")
    campaign = services.campaign_create(
        actor=town.irene,
        committee=town.committee,
        title="2026年度示范党支部创建",
        criteria=criteria,
        applies_from=dt.date(2026, 9, 1),
        applies_until=dt.date(2026, 9, 30),
    )
    ids = [i.pk for i in criteria.indicators.all()]
    sam = client_for("sam")
    detail = sam.get(reverse("inspections:campaign", args=[campaign.pk])).content.decode()
    assert reverse("inspections:apply", args=[campaign.pk]) in detail
    form = {f"score_{pk}": v for pk, v in zip(ids, ["30", "25", "20", "15", "10"], strict=True)}
    form["organization"] = town.branch_b.pk  # not sam's branch: not a choice
    refused = sam.post(reverse("inspections:apply", args=[campaign.pk]), form)
    assert refused.status_code == 200 and not Application.objects.exists()
    form["organization"] = town.branch_a.pk
    sam.post(reverse("inspections:apply", args=[campaign.pk]), form)
    application = Application.objects.get()
    assert application.self_total == 100

    def act(action: str, data: dict[str, str]) -> Any:
        # A fresh session each time: moving the clock days ahead ends an idle one.
        return client_for("irene").post(
            reverse("inspections:application_act", args=[application.pk, action]), data
        )

    review = {
        f"review-score_{pk}": v for pk, v in zip(ids, ["28", "24", "19", "14", "9"], strict=True)
    }
    act("review", review)
    act("publish", {})
    application.refresh_from_db()
    assert (application.status, application.review_total) == ("in_notice", 94)
    objection_url = reverse("inspections:application_act", args=[application.pk, "object"])
    assert sam.post(objection_url, {"object-objection": "x"}).status_code == 403
    early = act("decide", {"decide-award": "1", "decide-stars": "4"})
    assert early.status_code == 200  # the notice still runs: shown inline, nothing changes
    pin(2026, 9, 21)
    act("decide", {"decide-award": "1", "decide-stars": "4"})
    assert StarRating.objects.get().stars == 4
    assert act("nonsense", {}).status_code == 404


def test_the_model_branch_export_lists_reachable_ratings_only(town: Town, client_for: Any) -> None:
    pin(2026, 9, 10)
    services.star_rating_record(
        actor=town.irene, organization=town.branch_a, stars=4, reason="评定"
    )
    services.star_rating_record(
        actor=town.irene, organization=town.branch_b, stars=3, reason="评定"
    )
    response = client_for("ivan").get(reverse("inspections:campaigns_export"))
    assert response.status_code == 403  # an instructor reads, but exports nothing
    response = client_for("olga").get(reverse("inspections:campaigns_export"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[1]
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"明月村党支部", "上杉市村党支部"}


def test_officer_creates_a_plan_and_a_campaign_and_puts_a_revision_in_force(
    town: Town, client_for: Any
) -> None:
    pin(2026, 9, 10)
    first = active_set(town)
    criteria = active_set(town, purpose="campaign")
    olga = client_for("olga")
    olga.post(
        reverse("inspections:plan_new"),
        {
            "committee": town.committee.pk,
            "title": "十月督查",
            "indicator_set": first.pk,
            "starts_on": "2026-10-01",
            "ends_on": "2026-10-31",
        },
    )
    assert InspectionPlan.objects.get().title == "十月督查"
    olga.post(
        reverse("inspections:campaign_new"),
        {
            "committee": town.committee.pk,
            "title": "示范创建",
            "criteria": criteria.pk,
            "applies_from": "2026-09-01",
            "applies_until": "2026-09-30",
            "notice_days": "5",
        },
    )
    assert Campaign.objects.get().title == "示范创建"
    assert services.fellow_inspectors(town.olga) == [town.irene]
    olga.post(reverse("inspections:set_act", args=[first.pk, "revise"]))
    draft = first.revisions.get()
    olga.post(reverse("inspections:set_act", args=[draft.pk, "activate"]))
    draft.refresh_from_db()
    first.refresh_from_db()
    assert (first.status, draft.status) == ("retired", "active")
    assert olga.post(reverse("inspections:set_act", args=[draft.pk, "drop"])).status_code == 404
    assert (
        client_for("sam")
        .post(reverse("inspections:set_act", args=[draft.pk, "revise"]))
        .status_code
        == 403
    )


def test_an_officer_types_a_set_on_the_phone_and_a_wrong_sum_is_refused(
    town: Town, client_for: Any
) -> None:
    olga = client_for("olga")
    lines = "组织生活 | 40 | 三会一课\n阵地建设 | 30\n党员教育｜20"
    base = {"committee": town.committee.pk, "name": "指标", "purpose": "inspection"}
    bad = olga.post(reverse("inspections:set_new"), {**base, "indicators": "组织生活 40"})
    assert bad.status_code == 200 and not IndicatorSet.objects.exists()
    olga.post(reverse("inspections:set_new"), {**base, "indicators": lines})
    draft = IndicatorSet.objects.get()
    assert [(i.title, i.weight, i.guidance) for i in draft.indicators.all()] == [
        ("组织生活", 40, "三会一课"),
        ("阵地建设", 30, ""),
        ("党员教育", 20, ""),
    ]
    olga.post(reverse("inspections:set_act", args=[draft.pk, "activate"]))
    draft.refresh_from_db()
    assert draft.status == "draft"  # 90, not 100
