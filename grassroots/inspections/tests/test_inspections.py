from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from grassroots.core import clock, records
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.inspections import services
from grassroots.inspections.models import Inspection, InspectionPlan
from grassroots.inspections.selectors import branch_scores
from grassroots.inspections.tests.helpers import active_set, far_branch, pin, scored
from grassroots.notify.models import Notice
from grassroots.party import services as party
from grassroots.party.models import Organization
from grassroots.testing import Town


def _plan(town: Town) -> InspectionPlan:
    return services.plan_create(
        actor=town.irene,
        committee=town.committee,
        title="2026年第二季度不定期督查",
        indicator_set=active_set(town),
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 6, 30),
    )


def _more_branches(town: Town, n: int) -> None:
    for i in range(n):
        party.organization_create(
            actor=town.root,
            parent=town.committee,
            kind=Organization.Kind.BRANCH,
            name=f"第{i}党支部",
            place=town.village_b,
        )


def test_the_same_seed_draws_the_same_sample_and_the_seed_is_stored(town: Town) -> None:
    _more_branches(town, 6)
    plan = _plan(town)
    drawn = services.plan_draw_sample(actor=town.irene, plan=plan, size=4, seed=20260401)
    plan.refresh_from_db()
    assert (plan.seed, plan.sample_size, plan.drawn_by) == (20260401, 4, town.irene)
    frame = services.sample_frame(town.irene, plan)
    assert len(frame) == 9
    assert [o.pk for o in drawn] == services.draw(frame, 4, 20260401)
    assert [o.pk for o in plan.drawn()] == [o.pk for o in drawn]
    other = _plan(town)
    again = services.plan_draw_sample(actor=town.irene, plan=other, size=4, seed=20260401)
    assert [o.pk for o in again] == [o.pk for o in drawn]
    audit = AuditEvent.objects.get(action=Action.INSPECTIONS_SAMPLE_DRAWN, object_id=str(plan.pk))
    assert audit.data["seed"] == 20260401


def test_a_plan_is_drawn_once_and_a_seed_is_recorded_when_none_is_given(town: Town) -> None:
    plan = _plan(town)
    services.plan_draw_sample(actor=town.irene, plan=plan, size=2)
    plan.refresh_from_db()
    assert plan.seed is not None
    drawn = [o.pk for o in plan.drawn()]
    assert drawn == services.draw(services.sample_frame(town.irene, plan), 2, plan.seed)
    with pytest.raises(ValidationError):
        services.plan_draw_sample(actor=town.irene, plan=plan, size=1, seed=1)
    with pytest.raises(ValidationError):
        services.plan_draw_sample(actor=town.irene, plan=_plan(town), size=99)


def test_an_inspection_of_a_branch_out_of_reach_is_refused(town: Town) -> None:
    indicator_set = active_set(town)
    far = far_branch(town)
    with pytest.raises(PermissionDenied):
        services.inspection_start(actor=town.irene, organization=far, indicator_set=indicator_set)
    with pytest.raises(PermissionDenied):
        services.inspection_start(
            actor=town.ivan, organization=town.branch_b, indicator_set=indicator_set
        )
    assert not Inspection.objects.exists()


def test_a_score_above_the_weight_is_refused_and_nothing_changes(town: Town) -> None:
    indicator_set = active_set(town)
    inspection = services.inspection_start(
        actor=town.irene, organization=town.branch_a, indicator_set=indicator_set
    )
    first, second = list(indicator_set.indicators.all())[:2]
    with pytest.raises(ValidationError) as exc:
        services.inspection_score(
            actor=town.irene,
            inspection=inspection,
            findings=[
                {"indicator": first.pk, "score": "28"},
                {"indicator": second.pk, "score": "25.5"},
            ],
        )
    assert "25" in str(exc.value) and "阵地建设" in str(exc.value)
    assert list(inspection.findings.values_list("score", flat=True)) == [None] * 5
    with pytest.raises(ValidationError):
        services.inspection_score(
            actor=town.irene,
            inspection=inspection,
            findings=[{"indicator": first.pk, "score": "12.25"}],
        )


def test_points_taken_off_need_a_finding_before_submitting(town: Town) -> None:
    indicator_set = active_set(town)
    inspection = services.inspection_start(
        actor=town.irene, organization=town.branch_a, indicator_set=indicator_set
    )
    rows = [{"indicator": i.pk, "score": i.weight} for i in indicator_set.indicators.all()]
    rows[0]["score"] = "27.5"
    services.inspection_score(actor=town.irene, inspection=inspection, findings=rows)
    with pytest.raises(ValidationError) as exc:
        services.inspection_submit(actor=town.irene, inspection=inspection)
    assert "组织生活" in str(exc.value)
    rows[0]["text"] = "会议记录不全"
    services.inspection_score(actor=town.irene, inspection=inspection, findings=rows)
    inspection = services.inspection_submit(actor=town.irene, inspection=inspection)
    assert inspection.total == Decimal("97.5")
    assert list(inspection.inspectors.all()) == [town.irene]
    notice = Notice.objects.get(recipient=town.sam)
    assert notice.url == f"/inspections/{inspection.pk}/"


def test_the_secretary_acknowledges_with_a_note_and_the_time(town: Town) -> None:
    pin(2026, 5, 12)
    inspection = scored(
        town,
        active_set(town),
        town.branch_a,
        ["30", "25", "20", "15", "10"],
        on=dt.date(2026, 5, 12),
    )
    with pytest.raises(PermissionDenied):
        services.inspection_acknowledge(actor=town.irene, inspection=inspection)
    inspection = services.inspection_acknowledge(actor=town.sam, inspection=inspection, note="已阅")
    assert inspection.status == Inspection.Status.ACKNOWLEDGED
    assert inspection.acknowledged_by == town.sam
    assert inspection.acknowledgement_note == "已阅"
    assert inspection.acknowledged_at is not None
    with pytest.raises(ValidationError):
        services.inspection_acknowledge(actor=town.sam, inspection=inspection)


def test_a_secretary_does_not_see_a_draft_nor_another_branch(town: Town) -> None:
    indicator_set = active_set(town)
    draft = services.inspection_start(
        actor=town.irene, organization=town.branch_a, indicator_set=indicator_set
    )
    other = scored(
        town, indicator_set, town.branch_b, ["30", "25", "20", "15", "10"], on=clock.today()
    )
    assert not Inspection.objects.visible_to(town.sam).exists()
    assert set(Inspection.objects.visible_to(town.irene)) == {draft, other}
    assert list(Inspection.objects.visible_to(town.ivan)) == [other]


def test_branch_scores_is_the_mean_of_scored_inspections_in_the_window(town: Town) -> None:
    pin(2026, 6, 30)
    s = active_set(town)
    # branch A: 90 and 81.5 in Q2 -> mean 85.75 -> 85.8; one in Q1 (ignored); a draft (ignored)
    scored(town, s, town.branch_a, ["28", "22", "20", "10", "10"], on=dt.date(2026, 4, 10))
    scored(town, s, town.branch_a, ["25", "20", "18.5", "10", "8"], on=dt.date(2026, 6, 30))
    scored(town, s, town.branch_a, ["10", "10", "10", "10", "10"], on=dt.date(2026, 3, 31))
    scored(town, s, town.branch_a, ["0", "0", "0", "0", "0"], on=dt.date(2026, 5, 1), submit=False)
    # branch B: 70.5, acknowledged
    b = scored(town, s, town.branch_b, ["20", "20", "15.5", "10", "5"], on=dt.date(2026, 5, 20))
    services.inspection_acknowledge(actor=town.root, inspection=b)
    result = branch_scores(
        org_ids=[town.branch_a.pk, town.branch_b.pk, town.branch_firm.pk],
        start=dt.date(2026, 4, 1),
        end=dt.date(2026, 6, 30),
    )
    assert result == {town.branch_a.pk: Decimal("85.8"), town.branch_b.pk: Decimal("70.5")}


def test_fellow_inspectors_must_be_able_to_inspect_the_branch(town: Town) -> None:
    indicator_set = active_set(town)
    assert services.fellow_inspectors(town.irene) == [town.olga]
    with pytest.raises(ValidationError):
        services.inspection_start(
            actor=town.irene,
            organization=town.branch_a,
            indicator_set=indicator_set,
            inspectors=[town.ivan],
        )
    inspection = services.inspection_start(
        actor=town.irene,
        organization=town.branch_a,
        indicator_set=indicator_set,
        inspectors=[town.olga],
    )
    assert set(inspection.inspectors.all()) == {town.irene, town.olga}


@pytest.mark.parametrize("value", ["1e999999", "-0.1", "NaN", "Infinity", "abc", "7.25"])
def test_a_strange_score_is_a_clear_error(town: Town, value: str) -> None:
    indicator_set = active_set(town)
    inspection = services.inspection_start(
        actor=town.irene, organization=town.branch_a, indicator_set=indicator_set
    )
    first = indicator_set.indicators.first()
    with pytest.raises(ValidationError):
        services.inspection_score(
            actor=town.irene,
            inspection=inspection,
            findings=[{"indicator": first.pk, "score": value}],
        )


def test_an_acknowledgement_is_a_branch_record_a_duty_item_can_wait_for(town: Town) -> None:
    pin(2026, 5, 12)
    inspection = scored(
        town,
        active_set(town),
        town.branch_a,
        ["30", "25", "20", "15", "10"],
        on=dt.date(2026, 5, 12),
    )
    services.inspection_acknowledge(actor=town.sam, inspection=inspection)
    kind = records.get(services.RECORD_KIND)
    assert kind is not None and kind.url(inspection.pk) == f"/inspections/{inspection.pk}/"
    assert kind.find(
        [town.branch_a.pk, town.branch_b.pk], dt.date(2026, 5, 1), dt.date(2026, 5, 31)
    ) == {town.branch_a.pk: (inspection.pk, dt.date(2026, 5, 12))}
    assert kind.find([town.branch_a.pk], dt.date(2026, 6, 1), dt.date(2026, 6, 30)) == {}
