from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from grassroots.analytics import selectors as analytics_selectors
from grassroots.core.audit import Action, AuditEvent
from grassroots.reports import contents, services
from grassroots.reports import figures as report_figures
from grassroots.reports.models import Report
from grassroots.reports.tests.helpers import MONTH, figures, sheets
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def test_the_monthly_report_equals_the_selectors_for_the_month_and_node(town: Town) -> None:
    figures(town)
    report = services.generate(actor=town.alice, kind="monthly", period="2026-10", place=town.town)
    assert report.status == Report.Status.READY and report.generated_by == town.alice
    content = report.xlsx.read()
    book = sheets(content)
    assert list(book) == ["汇总", "村（社区）", "党支部"]  # the site's language, whoever asked

    summary = {row[1]: row[2] for row in list(book.values())[0][1:]}
    month = report_figures.month_series(town.alice, "place", town.town.path, MONTH, MONTH)[0]
    org_month = report_figures.month_series(town.alice, "org", town.committee.path, MONTH, MONTH)[0]
    node = report_figures.node_figures(town.alice, "place", town.town.path)
    org = report_figures.node_figures(town.alice, "org", town.committee.path)
    assert month["visits"] and node["households"]  # the comparison below is not vacuous
    labels = {k: str(lbl) for k, lbl, _fmt in contents.PERIOD_ROWS + contents.STOCK_ROWS}
    assert summary[labels["visits"]] == month["visits"]
    assert summary[labels["cases_submitted"]] == month["cases_submitted"]
    rate_cell = next(
        c
        for c in load_workbook(io.BytesIO(content))["汇总"]["C"]
        if isinstance(c.value, float) and c.number_format.endswith("%")
    )
    assert rate_cell.number_format == "0.0%"  # a number the sheet shows as a percentage
    assert summary[labels["response_rate"]] == pytest.approx(
        month["responded_on_time"] / month["response_base"]
    )
    assert summary[labels["duty_done"]] == org_month["duty_done"]
    assert summary[labels["training_hours"]] == org_month["training_hours_tenths"] / 10
    assert summary[labels["households"]] == node["households"]
    assert summary[labels["residents"]] == node["residents"]
    assert summary[labels["coverage_30d"]] == pytest.approx(node["coverage_30d"] or 0) or (
        node["coverage_30d"] is None and summary[labels["coverage_30d"]] is None
    )
    assert summary[labels["members"]] == org["members"]

    villages = list(book.values())[1]
    by_name = {row[0]: row for row in villages[1:]}
    assert set(by_name) == {"明月村", "上杉市村"}
    head = list(villages[0])
    village_a = analytics_selectors.place_figures(town.alice, town.village_a.path)
    assert (
        by_name["明月村"][head.index(str(contents.VILLAGE_COLUMNS[0][1]))] == village_a.households
    )
    visits_col = head.index(labels["visits"])
    assert (
        by_name["明月村"][visits_col]
        == report_figures.month_series(town.alice, "place", town.village_a.path, MONTH, MONTH)[0][
            "visits"
        ]
    )

    branches = list(book.values())[2]
    assert {row[0] for row in branches[1:]} >= {town.branch_a.name, town.branch_b.name}
    assert AuditEvent.objects.filter(
        action=Action.REPORTS_GENERATED, actor=town.alice, object_id=str(report.pk)
    ).exists()


def test_the_pdf_has_the_title_and_a_village_in_chinese(town: Town) -> None:
    figures(town)
    report = services.generate(actor=town.alice, kind="monthly", period="2026-10", place=town.town)
    pdf = PdfReader(io.BytesIO(report.pdf.read()))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "测试镇2026年10月党建引领网格治理月报" in text.replace(" ", "")
    assert "上杉市村" in text


def test_generating_again_replaces_the_report(town: Town) -> None:
    figures(town)
    first = services.generate(actor=town.alice, kind="monthly", period="2026-10", place=town.town)
    second = services.generate(actor=town.olga, kind="monthly", period="2026-10", place=town.town)
    assert first.pk == second.pk and Report.objects.count() == 1
    assert second.generated_by == town.olga
