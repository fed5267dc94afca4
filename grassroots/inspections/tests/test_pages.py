from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse

from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.inspections import services
from grassroots.inspections.models import Inspection
from grassroots.inspections.tests.helpers import active_set, far_branch, pin, scored
from grassroots.testing import Town


def test_an_inspector_scores_on_the_phone_form_and_submits(town: Town, client_for: Any) -> None:
    pin(2026, 5, 12)
    indicator_set = active_set(town)
    irene = client_for("irene")
    page = irene.get(reverse("inspections:new"))
    assert page.status_code == 200
    response = irene.post(
        reverse("inspections:new"),
        {
            "organization": town.branch_a.pk,
            "indicator_set": indicator_set.pk,
            "inspected_on": "2026-05-12",
        },
    )
    inspection = Inspection.objects.get()
    assert response.url == reverse("inspections:score", args=[inspection.pk])
    form = irene.get(response.url).content.decode()
    assert 'inputmode="decimal"' in form and "data-score-total" in form
    ids = [i.pk for i in indicator_set.indicators.all()]
    data = {f"score_{pk}": w for pk, w in zip(ids, ["30", "25", "20", "15", "10"], strict=True)}
    data[f"score_{ids[1]}"] = "26"  # above the weight of 25
    data["final"] = "1"
    refused = irene.post(reverse("inspections:score", args=[inspection.pk]), data)
    assert refused.status_code == 200
    assert "aria-invalid" in refused.content.decode()
    inspection.refresh_from_db()
    assert inspection.status == "draft" and inspection.total == 0
    data[f"score_{ids[1]}"] = "20.5"
    data[f"text_{ids[1]}"] = "活动阵地标识不全"
    data[f"flag_{ids[1]}"] = "on"
    done = irene.post(reverse("inspections:score", args=[inspection.pk]), data)
    assert done.url == reverse("inspections:detail", args=[inspection.pk])
    inspection.refresh_from_db()
    assert (inspection.status, inspection.total) == ("submitted", Decimal("95.5"))
    assert inspection.findings.get(indicator_id=ids[1]).needs_rectification


def test_a_branch_out_of_reach_answers_404_on_pages_and_400_on_the_api(
    town: Town, client_for: Any, api_for: Any
) -> None:
    pin(2026, 5, 12)
    indicator_set = active_set(town)
    far = far_branch(town)
    far_inspection = scored(
        town,
        indicator_set,
        town.branch_b,
        ["30"] * 1 + ["25", "20", "15", "10"],
        on=dt.date(2026, 5, 12),
    )
    sam = client_for("sam")
    assert sam.get(reverse("inspections:detail", args=[far_inspection.pk])).status_code == 404
    assert sam.get(reverse("inspections:score", args=[far_inspection.pk])).status_code == 404
    response = api_for("irene").post(
        "/api/inspections/",
        {"organization": far.pk, "indicator_set": indicator_set.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "organization" in response.json()
    response = client_for("irene").post(
        reverse("inspections:new"),
        {"organization": far.pk, "indicator_set": indicator_set.pk, "inspected_on": "2026-05-12"},
    )
    assert response.status_code == 200
    assert Inspection.objects.count() == 1


def test_the_secretary_acknowledges_from_the_page(town: Town, client_for: Any) -> None:
    pin(2026, 5, 12)
    inspection = scored(
        town,
        active_set(town),
        town.branch_a,
        ["28", "25", "20", "15", "10"],
        on=dt.date(2026, 5, 12),
    )
    sam = client_for("sam")
    page = sam.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert reverse("inspections:acknowledge", args=[inspection.pk]) in page
    sam.post(reverse("inspections:acknowledge", args=[inspection.pk]), {"note": "立即整改"})
    inspection.refresh_from_db()
    assert inspection.status == "acknowledged"
    assert inspection.acknowledgement_note == "立即整改"
    ivan_page = client_for("ivan").get(reverse("inspections:index")).content.decode()
    assert "明月村党支部" not in ivan_page


def test_the_api_starts_and_scores_an_inspection_with_nested_findings(
    town: Town, api_for: Any
) -> None:
    pin(2026, 5, 12)
    indicator_set = active_set(town)
    findings = [
        {"indicator": i.pk, "score": str(i.weight), "text": ""}
        for i in indicator_set.indicators.all()
    ]
    findings[0]["score"] = "31"
    api = api_for("irene")
    body = {
        "organization": town.branch_a.pk,
        "indicator_set": indicator_set.pk,
        "findings": findings,
    }
    refused = api.post("/api/inspections/", body, format="json")
    assert refused.status_code == 400
    assert not Inspection.objects.exists()
    findings[0]["score"] = "29"
    findings[0]["text"] = "记录不全"
    body["inspectors"] = [town.ivan.pk]
    assert api.post("/api/inspections/", body, format="json").status_code == 400
    body["inspectors"] = [town.olga.pk]
    created = api.post("/api/inspections/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert sorted(created.json()["inspectors"]) == sorted([town.irene.pk, town.olga.pk])
    submitted = api.post(f"/api/inspections/{pk}/submit/", format="json")
    assert submitted.json()["total"] == "99.0"
    assert (
        api_for("sam").post(f"/api/inspections/{pk}/acknowledge/", {}, format="json").status_code
        == 200
    )


def test_the_public_notice_page_shows_branches_in_notice_and_nothing_personal(
    town: Town, client: Any
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
    scores = {i.pk: i.weight for i in criteria.indicators.all()}
    application = services.application_submit(
        actor=town.sam,
        campaign=campaign,
        organization=town.branch_a,
        self_scores=scores,
        statement="书记王书记电话13500000001",
    )
    services.application_review(actor=town.irene, application=application, scores=scores)
    services.application_publish(actor=town.irene, application=application)
    page = client.get(reverse("inspections:public_notices"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "明月村党支部" in text and "2026年度示范党支部创建" in text
    for personal in ("13500000001", "王书记", "督查员", "irene", "sam"):
        assert personal not in text
    pin(2026, 9, 30)
    assert "明月村党支部" not in client.get(reverse("inspections:public_notices")).content.decode()


def test_the_export_is_an_audited_workbook_of_visible_rows(town: Town, client_for: Any) -> None:
    pin(2026, 5, 12)
    scored(
        town,
        active_set(town),
        town.branch_b,
        ["30", "25", "20", "15", "10"],
        on=dt.date(2026, 5, 12),
    )
    response = client_for("olga").get(reverse("inspections:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action=Action.INSPECTIONS_EXPORTED).count() == 1
    assert client_for("oscar").get(reverse("inspections:export")).status_code == 403
