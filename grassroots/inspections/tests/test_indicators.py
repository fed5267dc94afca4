from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.inspections import services
from grassroots.inspections.models import IndicatorSet
from grassroots.inspections.tests.helpers import INDICATORS, active_set
from grassroots.testing import Town


def test_a_set_whose_weights_do_not_sum_to_100_is_not_activated_and_the_sum_is_named(
    town: Town,
) -> None:
    draft = services.indicator_set_create(
        actor=town.irene,
        committee=town.committee,
        name="草稿",
        purpose="inspection",
        indicators=[*INDICATORS[:4], {"title": "为民服务", "weight": 5}],
    )
    with pytest.raises(ValidationError) as exc:
        services.indicator_set_activate(actor=town.irene, indicator_set=draft)
    assert "95" in str(exc.value)
    draft.refresh_from_db()
    assert draft.status == IndicatorSet.Status.DRAFT


def test_an_active_set_cannot_change_and_a_revision_is_a_new_version(town: Town) -> None:
    first = active_set(town)
    with pytest.raises(ValidationError):
        services.indicator_set_update(actor=town.irene, indicator_set=first, name="改名")
    with pytest.raises(ValidationError):
        services.indicator_set_update(
            actor=town.irene, indicator_set=first, indicators=INDICATORS[:1]
        )
    first.refresh_from_db()
    assert first.name == "2026年村党组织督查考核指标"
    assert first.indicators.count() == 5

    second = services.indicator_set_revise(actor=town.irene, indicator_set=first)
    assert (second.version, second.previous, second.status) == (2, first, "draft")
    assert [i.title for i in second.indicators.all()] == [i["title"] for i in INDICATORS]
    services.indicator_set_update(
        actor=town.irene,
        indicator_set=second,
        indicators=[
            *INDICATORS[:4],
            {"title": "为民服务", "weight": 5},
            {"title": "创新", "weight": 5},
        ],
    )
    services.indicator_set_activate(actor=town.irene, indicator_set=second)
    first.refresh_from_db()
    assert first.status == IndicatorSet.Status.RETIRED
    assert first.indicators.count() == 5
    assert AuditEvent.objects.filter(action=Action.INSPECTIONS_INDICATOR_SET_REVISED).count() == 1


def test_a_bad_weight_is_refused_with_the_indicator_named(town: Town) -> None:
    with pytest.raises(ValidationError) as exc:
        services.indicator_set_create(
            actor=town.irene,
            committee=town.committee,
            name="坏",
            purpose="inspection",
            indicators=[{"title": "阵地建设", "weight": "abc"}],
        )
    assert "阵地建设" in str(exc.value)
    assert not IndicatorSet.objects.exists()


def test_a_secretary_cannot_create_a_set(town: Town) -> None:
    with pytest.raises(PermissionDenied):
        services.indicator_set_create(
            actor=town.sam,
            committee=town.committee,
            name="x",
            purpose="inspection",
            indicators=INDICATORS,
        )
