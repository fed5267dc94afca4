from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from grassroots.core.audit import Action, AuditEvent
from grassroots.reports import services
from grassroots.reports.models import Report
from grassroots.reports.tests.helpers import figures
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(town: Town) -> Report:
    figures(town)
    return services.generate(actor=town.alice, kind="monthly", period="2026-10", place=town.town)


def test_the_list_shows_the_reports_in_reach(town: Town, report: Report, client_for: Any) -> None:
    page = client_for("alice").get("/reports/")
    assert page.status_code == 200 and f"/reports/{report.pk}/" in page.content.decode()
    filtered = client_for("alice").get("/reports/?kind=quarterly")
    assert f"/reports/{report.pk}/" not in filtered.content.decode()
    # Olga reaches the town committee: she sees the town's report.
    assert f"/reports/{report.pk}/" in client_for("olga").get("/reports/").content.decode()


def test_a_report_out_of_reach_is_404(town: Town, report: Report, client_for: Any) -> None:
    # Sam (village A's secretary) is below the town; Ivan reaches branch B only.
    for name in ("sam", "ivan", "oscar", "rita"):
        client = client_for(name)
        for suffix in ("", "xlsx/", "pdf/"):
            assert client.get(f"/reports/{report.pk}/{suffix}").status_code == 404, (name, suffix)
    assert client_for("ivan").get("/reports/").status_code == 200
    assert f"/reports/{report.pk}/" not in client_for("ivan").get("/reports/").content.decode()


def test_the_report_page_and_its_downloads(town: Town, report: Report, client_for: Any) -> None:
    client = client_for("alice")
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "明月村" in page and f"/reports/{report.pk}/xlsx/" in page
    xlsx = client.get(f"/reports/{report.pk}/xlsx/")
    assert xlsx.status_code == 200 and xlsx["Cache-Control"] == "private, no-store"
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert len(book.worksheets) == 3
    pdf = client.get(f"/reports/{report.pk}/pdf/")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert (
        AuditEvent.objects.filter(action=Action.REPORTS_DOWNLOADED, actor=town.alice).count() == 2
    )


def test_generate_now_queues_then_the_worker_makes_it(
    town: Town, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    figures(town)
    client = client_for("alice")
    assert client.get("/reports/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reports/new/", {"kind": "quarterly", "period": "2026-Q3", "place": town.town.pk}
        )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert report.status == Report.Status.READY and report.generated_by == town.alice
    assert report.kind == "quarterly" and report.town == town.town


def test_generate_now_needs_the_capability_and_the_reach(town: Town, client_for: Any) -> None:
    # Sam may not make reports; Ivan has no town to make them for.
    assert client_for("sam").get("/reports/new/").status_code == 404
    assert client_for("ivan").get("/reports/new/").status_code == 404
    response = client_for("alice").post(
        "/reports/new/", {"kind": "monthly", "period": "2026-13", "place": town.town.pk}
    )
    assert response.status_code == 200 and not Report.objects.exists()
    response = client_for("alice").post(
        "/reports/new/", {"kind": "monthly", "period": "2026-10", "place": town.village_a.pk}
    )
    assert response.status_code == 200 and not Report.objects.exists()


def test_the_schedule_makes_every_towns_reports(town: Town) -> None:
    import datetime as dt

    figures(town)
    made = services.scheduled(today=dt.date(2026, 10, 1))
    assert {(r.kind, r.period, r.place_id) for r in made} == {
        ("monthly", "2026-09", town.town.pk),
        ("quarterly", "2026-Q3", town.town.pk),
    }
    assert all(r.status == Report.Status.READY and r.generated_by is None for r in made)
    # Kept: running again the same day makes nothing new.
    assert services.scheduled(today=dt.date(2026, 10, 1)) == []
    assert services.scheduled(today=dt.date(2026, 10, 2)) == []
    assert [r.period for r in services.scheduled(today=dt.date(2026, 11, 1))] == ["2026-10"]


def test_the_schedule_catches_up_a_missed_first_of_the_month(town: Town) -> None:
    import datetime as dt

    figures(town)
    made = services.scheduled(today=dt.date(2026, 10, 15))  # the worker was down on the 1st
    assert sorted(r.period for r in made) == ["2026-09", "2026-Q3"]


def test_the_periodic_task_runs_the_schedule(town: Town) -> None:
    import datetime as dt

    from grassroots.core import clock
    from grassroots.reports.tasks import scheduled_reports

    figures(town)
    clock.set_now(dt.datetime(2026, 11, 1, 3, 10, tzinfo=dt.UTC))
    scheduled_reports.call_local()
    assert Report.objects.filter(period="2026-10", kind="monthly", place=town.town).exists()


def test_the_report_page_reads_in_chinese_and_in_english(
    town: Town, report: Report, client_for: Any
) -> None:
    client = client_for("alice")
    chinese = client.get(f"/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "测试镇2026年10月党建引领网格治理月报" in chinese and "走访户次" in chinese
    assert "Household visits" not in chinese
    client.post("/i18n/setlang/", {"language": "en"})
    english = client.get(f"/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Household visits" in english and "monthly report" in english
    # The stored files stay in the site's language whoever reads them.
    assert b"%PDF-" in report.pdf.read(5)


def test_a_failed_generation_says_so(town: Town, client_for: Any, monkeypatch: Any) -> None:
    from grassroots.reports import contents

    def broken(**kwargs: Any) -> dict:
        raise RuntimeError("figures unavailable")

    monkeypatch.setattr("grassroots.reports.services.compute", broken)
    assert contents.compute is not broken
    with pytest.raises(RuntimeError):
        from grassroots.reports.tasks import generate_task

        generate_task.call_local("monthly", "2026-10", town.town.pk, town.alice.pk)
    report = Report.objects.get()
    assert report.status == Report.Status.FAILED and "figures unavailable" in report.error
    page = client_for("alice").get(f"/reports/{report.pk}/")
    assert page.status_code == 200 and 'data-status="failed"' in page.content.decode()
    assert client_for("alice").get(f"/reports/{report.pk}/xlsx/").status_code == 404
    assert AuditEvent.objects.filter(action=Action.REPORTS_FAILED).count() == 1
