from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grassroots.core import calendar
from grassroots.core.models import CalendarDay
from grassroots.inspections import services
from grassroots.inspections.models import Application, Campaign, StarRating
from grassroots.inspections.selectors import current_stars
from grassroots.inspections.tests.helpers import active_set, pin
from grassroots.testing import Town

FULL = {0: "30", 1: "25", 2: "20", 3: "15", 4: "10"}


def _campaign(town: Town) -> Campaign:
    criteria = active_set(town, purpose="campaign")
    return services.campaign_create(
        actor=town.olga,
        committee=town.committee,
        title="2026年度示范党支部创建",
        criteria=criteria,
        applies_from=dt.date(2026, 9, 1),
        applies_until=dt.date(2026, 9, 30),
    )


def _scores(campaign: Campaign, values: list[str]) -> dict[int, str]:
    return {i.pk: v for i, v in zip(campaign.criteria.indicators.all(), values, strict=True)}


def _reviewed(town: Town, campaign: Campaign) -> Application:
    application = services.application_submit(
        actor=town.sam,
        campaign=campaign,
        organization=town.branch_a,
        self_scores=_scores(campaign, ["30", "25", "20", "15", "10"]),
        statement="支部班子团结，组织生活规范",
    )
    return services.application_review(
        actor=town.irene,
        application=application,
        scores=_scores(campaign, ["28", "24", "19.5", "14", "9"]),
    )


def test_the_notice_period_ends_after_five_working_days_skipping_a_holiday(town: Town) -> None:
    pin(2026, 9, 10)  # a Thursday
    campaign = _campaign(town)
    application = _reviewed(town, campaign)
    assert (application.self_total, application.review_total) == (Decimal(100), Decimal("94.5"))
    # Fri 11, Mon 14 (a holiday), Tue 15, Wed 16, Thu 17, Fri 18
    CalendarDay.objects.create(date=dt.date(2026, 9, 14), is_workday=False, name="测试假日")
    calendar.invalidate()
    application = services.application_publish(actor=town.irene, application=application)
    assert application.notice_starts_on == dt.date(2026, 9, 10)
    assert application.notice_ends_on == dt.date(2026, 9, 18)
    with pytest.raises(ValidationError) as exc:
        services.application_decide(actor=town.irene, application=application, award=True, stars=3)
    assert "2026-09-18" in str(exc.value)
    pin(2026, 9, 21)
    application = services.application_decide(
        actor=town.irene, application=application, award=True, stars=4, note="公示无异议"
    )
    assert application.status == Application.Status.AWARDED
    assert current_stars([town.branch_a.pk, town.branch_b.pk]) == {town.branch_a.pk: 4}


def test_an_objection_during_the_notice_is_recorded_and_stops_the_award_clock(town: Town) -> None:
    pin(2026, 9, 10)
    application = _reviewed(town, _campaign(town))
    application = services.application_publish(actor=town.irene, application=application)
    application = services.application_object(
        actor=town.irene, application=application, objection="群众反映活动记录不实"
    )
    assert application.status == Application.Status.OBJECTED
    application = services.application_decide(
        actor=town.irene, application=application, award=False, note="核实后不予评定"
    )
    assert application.status == Application.Status.NOT_AWARDED
    assert not StarRating.objects.exists()


def test_a_wrong_transition_names_the_allowed_ones(town: Town) -> None:
    pin(2026, 9, 10)
    campaign = _campaign(town)
    application = services.application_submit(
        actor=town.sam,
        campaign=campaign,
        organization=town.branch_a,
        self_scores=_scores(campaign, ["30", "25", "20", "15", "10"]),
    )
    with pytest.raises(ValidationError) as exc:
        services.application_publish(actor=town.irene, application=application)
    assert str(Application.Status.REVIEWED.label) in str(exc.value)
    application.refresh_from_db()
    assert application.status == Application.Status.APPLIED


def test_a_self_score_above_the_weight_or_a_missing_one_is_refused(town: Town) -> None:
    pin(2026, 9, 10)
    campaign = _campaign(town)
    for values in (["31", "25", "20", "15", "10"], ["30", "", "20", "15", "10"]):
        with pytest.raises(ValidationError):
            services.application_submit(
                actor=town.sam,
                campaign=campaign,
                organization=town.branch_a,
                self_scores=_scores(campaign, values),
            )
    assert not Application.objects.exists()


def test_a_downgrade_keeps_the_history_and_the_latest_rating_counts(town: Town) -> None:
    pin(2026, 3, 1)
    services.star_rating_record(
        actor=town.irene, organization=town.branch_b, stars=5, reason="2025年度评定"
    )
    pin(2026, 8, 1)
    services.star_rating_record(
        actor=town.irene, organization=town.branch_b, stars=3, reason="复评：组织生活不规范，降级"
    )
    history = list(StarRating.objects.filter(organization=town.branch_b))
    assert [r.stars for r in history] == [3, 5]
    assert current_stars([town.branch_b.pk]) == {town.branch_b.pk: 3}
    with pytest.raises(ValidationError):
        services.star_rating_record(
            actor=town.irene, organization=town.branch_b, stars=6, reason="x"
        )
    with pytest.raises(ValidationError):
        services.star_rating_record(
            actor=town.irene, organization=town.branch_b, stars=2, reason=" "
        )
    assert StarRating.objects.count() == 2
