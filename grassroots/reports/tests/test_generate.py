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


def test_the_quarterly_review_sums_the_months_and_ranks_the_branches(town: Town) -> None:
    import datetime as dt
    from decimal import Decimal

    from grassroots.cadence.models import QuarterScore
    from grassroots.core import clock
    from grassroots.reports.tests.helpers import month_row

    figures(town)
    # Q3 holds the September row (visits 99) and this August one; October's is Q4's.
    month_row("place", town.town.path, town.town.depth, month=dt.date(2026, 8, 1), visits=5)
    for rank, (branch, score) in enumerate(((town.branch_b, "91.5"), (town.branch_a, "82.0")), 1):
        QuarterScore.objects.create(
            organization=branch,
            org_path=branch.path,
            town=town.town,
            period="2026-Q3",
            branch_name=branch.name,
            completion=Decimal("0.9"),
            timeliness=Decimal("0.8"),
            score=Decimal(score),
            rank=rank,
            band="A" if rank == 1 else "B",
            computed_at=clock.now(),
        )
    report = services.generate(
        actor=town.alice, kind="quarterly", period="2026-Q3", place=town.town
    )
    series = report_figures.month_series(
        town.alice, "place", town.town.path, dt.date(2026, 7, 1), dt.date(2026, 9, 1)
    )
    assert report.figures["period"]["visits"] == sum(m["visits"] for m in series) == 104
    by_name = {b["name"]: b for b in report.figures["branches"]}
    assert (by_name[town.branch_b.name]["rank"], by_name[town.branch_b.name]["band"]) == (1, "A")
    assert by_name[town.branch_a.name]["score"] == 82.0
    assert report.figures["quarter"]["score_average"] == round((91.5 + 82.0) / 2, 1)
    assert report.figures["quarter"]["inspections"] == 0
    book = sheets(report.xlsx.read())
    branches = list(book.values())[2]
    rank_col = list(branches[0]).index(str(contents.SCORE_COLUMNS[1][1]))
    assert {r[0]: r[rank_col] for r in branches[1:]}[town.branch_a.name] == 2
