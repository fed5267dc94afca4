from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grassroots.inspections import services
from grassroots.inspections.tests.helpers import active_set, pin, scored
from grassroots.rectify.models import Item
from grassroots.testing import Town


def test_flagged_findings_become_rectification_items_once(town: Town) -> None:
    pin(2026, 5, 12)
    inspection = scored(
        town,
        active_set(town),
        town.branch_a,
        ["25", "20", "20", "15", "8"],
        on=dt.date(2026, 5, 12),
        flagged=(1, 2, 5),
    )
    made = services.findings_to_rectification(
        actor=town.irene, inspection=inspection, deadline=dt.date(2026, 6, 30), kind="deadline"
    )
    assert len(made) == 3
    items = list(Item.objects.order_by("pk"))
    assert [i.problem for i in items] == ["组织生活有欠缺", "阵地建设有欠缺", "为民服务有欠缺"]
    assert {(i.source, i.source_ref, i.organization_id) for i in items} == {
        ("supervision", inspection.reference, town.branch_a.pk)
    }
    linked = inspection.findings.filter(rectification__isnull=False)
    assert linked.count() == 3
    again = services.findings_to_rectification(
        actor=town.irene, inspection=inspection, deadline=dt.date(2026, 6, 30), kind="deadline"
    )
    assert again == []
    assert Item.objects.count() == 3


def test_a_draft_or_a_secretary_cannot_turn_findings_into_items(town: Town) -> None:
    pin(2026, 5, 12)
    s = active_set(town)
    draft = scored(
        town,
        s,
        town.branch_a,
        ["25"] + ["25", "20", "15", "10"],
        on=dt.date(2026, 5, 12),
        submit=False,
        flagged=(1,),
    )
    with pytest.raises(ValidationError):
        services.findings_to_rectification(
            actor=town.irene, inspection=draft, deadline=dt.date(2026, 6, 30), kind="deadline"
        )
    with pytest.raises(PermissionDenied):
        services.findings_to_rectification(
            actor=town.sam, inspection=draft, deadline=dt.date(2026, 6, 30), kind="deadline"
        )
    assert not Item.objects.exists()


def test_the_detail_page_turns_findings_into_items_and_links_them(
    town: Town, client_for: Any, api_for: Any
) -> None:
    pin(2026, 5, 12)
    inspection = scored(
        town,
        active_set(town),
        town.branch_a,
        ["25", "25", "20", "15", "10"],
        on=dt.date(2026, 5, 12),
        flagged=(1,),
    )
    irene = client_for("irene")
    url = reverse("inspections:detail", args=[inspection.pk])
    assert reverse("inspections:rectify", args=[inspection.pk]) in irene.get(url).content.decode()
    irene.post(
        reverse("inspections:rectify", args=[inspection.pk]),
        {"deadline": "2026-06-30", "kind": "deadline"},
    )
    item = Item.objects.get()
    assert reverse("rectify:item", args=[item.pk]) in irene.get(url).content.decode()
    response = api_for("irene").post(
        f"/api/inspections/{inspection.pk}/rectify/",
        {"deadline": "2026-06-30", "kind": "deadline"},
        format="json",
    )
    assert response.status_code == 200
    assert Item.objects.count() == 1
