"""Acceptance 1: the monthly arrangement appears on the first working day (after a holiday
when the 1st is one), not before; its page, spreadsheet and printable PDF, within reach."""

from __future__ import annotations

import datetime as dt
import io
import re
import zlib

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from grassroots.cadence import selectors
from grassroots.cadence.models import Arrangement, CadenceRun
from grassroots.cadence.services import tick
from grassroots.cadence.tests.helpers import assignment, at, holiday, plan, secretary
from grassroots.core import clock
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.notify.models import Notice

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def months(town):  # noqa: ANN001, ANN201
    the_plan = plan(town)
    secretary(town, "bob", town.branch_b)
    for month, last in ((10, 31), (11, 30), (12, 31)):
        start, end = D(2026, month, 1), D(2026, month, last)
        for branch in (town.branch_a, town.branch_b):
            assignment(
                the_plan,
                branch,
                period_start=start,
                due_on=end,
                weight=30,
                title="召开支部委员会=会议",
                steps=[{"title": "通知参会", "done": True}, {"title": "形成纪要", "done": False}],
            )
            assignment(
                the_plan, branch, cadence="weekly", period_start=start, due_on=start, weight=5
            )
    return the_plan


def day_ticks(day: dt.date) -> None:
    for hour in (0, 9, 18):
        now = at(day.year, day.month, day.day, hour)
        clock.set_now(now)
        tick(now=now)


def arrangements(month: str) -> list[str]:
    return sorted(a.organization.name for a in Arrangement.objects.filter(month=month))


def test_published_on_the_first_working_day_after_the_holidays(town, months) -> None:  # noqa: ANN001
    # October 2026: the 1st–7th are National Day holidays and a weekend (seeded calendar).
    for day in range(1, 8):
        day_ticks(D(2026, 10, day))
        assert arrangements("2026-10") == [], day
    day_ticks(D(2026, 10, 8))
    assert arrangements("2026-10") == ["上杉市村党支部", "明月村党支部"]
    a = Arrangement.objects.get(organization=town.branch_a, month="2026-10")
    assert a.items == 2 and timezone.localdate(a.published_at) == D(2026, 10, 8)
    assert a.org_path == town.branch_a.path and a.town == town.town
    notice = Notice.objects.get(recipient=town.sam, message="cadence.arrangement")
    assert notice.key == f"cadence:arrangement:{town.branch_a.pk}:2026-10"
    assert notice.params == {"branch": "明月村党支部", "period": "2026-10", "items": 2}
    assert notice.url == f"/cadence/arrangements/{a.pk}/"
    assert AuditEvent.objects.filter(
        action=Action.CADENCE_ARRANGEMENT_PUBLISHED, object_id=str(a.pk)
    ).exists()
    # More ticks the same month: nothing new.
    day_ticks(D(2026, 10, 9))
    assert Arrangement.objects.filter(month="2026-10").count() == 2
    assert Notice.objects.filter(message="cadence.arrangement").count() == 2


def test_november_on_the_2nd_and_a_made_up_december_holiday(town, months) -> None:  # noqa: ANN001
    day_ticks(D(2026, 11, 1))  # a Sunday
    assert arrangements("2026-11") == []
    day_ticks(D(2026, 11, 2))
    assert len(arrangements("2026-11")) == 2
    holiday(D(2026, 12, 1), "假想的假日")
    day_ticks(D(2026, 11, 30))
    day_ticks(D(2026, 12, 1))
    assert arrangements("2026-12") == []
    day_ticks(D(2026, 12, 2))
    assert len(arrangements("2026-12")) == 2
    run = CadenceRun.objects.get(job="monthly_arrangement", period="2026-12")
    assert run.due_on == D(2026, 12, 2) and run.counts["arrangements"] == 2


def test_a_worker_down_on_the_due_day_publishes_the_next_day(town, months) -> None:  # noqa: ANN001
    day_ticks(D(2026, 11, 3))
    assert len(arrangements("2026-11")) == 2
    assert CadenceRun.objects.get(job="monthly_arrangement", period="2026-11").due_on == D(
        2026, 11, 2
    )


@pytest.fixture
def published(town, months) -> Arrangement:  # noqa: ANN001
    day_ticks(D(2026, 11, 2))
    return Arrangement.objects.get(organization=town.branch_a, month="2026-11")


def test_the_page_lists_the_months_items(town, published, client_for) -> None:  # noqa: ANN001
    page = client_for("sam").get(f"/cadence/arrangements/{published.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "召开支部委员会=会议" in text and "形成纪要" in text and "2026-11-30" in text
    first = next(iter(selectors.arrangement_rows(town.sam, published)))
    assert f'href="/duties/a/{first.pk}/"' in text
    assert client_for("sam").get(f"/duties/a/{first.pk}/").status_code == 200
    other = Arrangement.objects.get(organization=town.branch_b, month="2026-11")
    assert client_for("sam").get(f"/cadence/arrangements/{other.pk}/").status_code == 404
    assert client_for("olga").get(f"/cadence/arrangements/{other.pk}/").status_code == 200
    assert client_for("rita").get(f"/cadence/arrangements/{published.pk}/").status_code == 404
    for suffix in ("xlsx/", "pdf/"):
        url = f"/cadence/arrangements/{other.pk}/{suffix}"
        assert client_for("sam").get(url).status_code == 404


def test_the_list_by_month(town, published, client_for) -> None:  # noqa: ANN001
    day_ticks(D(2026, 12, 1))
    sam = client_for("sam").get("/cadence/arrangements/").content.decode()
    assert "明月村党支部" in sam and "上杉市村党支部" not in sam
    olga = client_for("olga").get("/cadence/arrangements/?month=2026-11").content.decode()
    assert "明月村党支部" in olga and "上杉市村党支部" in olga
    assert client_for("olga").get("/cadence/arrangements/?month=1999-99").status_code == 200
    assert "明月村党支部" not in client_for("rita").get("/cadence/arrangements/").content.decode()


def test_the_spreadsheet_is_formula_safe_and_audited(town, published, client_for) -> None:  # noqa: ANN001
    response = client_for("sam").get(f"/cadence/arrangements/{published.pk}/xlsx/")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows[0][0] == "事项" and rows[0][4] == "步骤"  # Chinese headers
    assert len(rows) == 3  # the two items due in November
    titles = {r[0] for r in rows[1:]}
    assert "召开支部委员会=会议" in titles
    assert any(str(r[4]).startswith("✓ 通知参会") for r in rows[1:])
    assert AuditEvent.objects.filter(action=Action.CADENCE_EXPORTED, actor=town.sam).count() == 1


def inflated(content: bytes) -> bytes:
    """The PDF with its compressed streams inflated (objects live in object streams)."""
    parts = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_text_chars(content: bytes) -> set[str]:
    """Every character the PDF's fonts map to Unicode (their ToUnicode tables)."""
    chars: set[str] = set()
    for data in [inflated(content)]:
        for hexcode in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]{4,})>", data):
            code = hexcode.decode()
            chars.update(chr(int(code[i : i + 4], 16)) for i in range(0, len(code), 4))
    return chars


def test_the_printable_pdf_has_the_branch_in_chinese(town, published, client_for) -> None:  # noqa: ANN001
    response = client_for("sam").get(f"/cadence/arrangements/{published.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", inflated(content))) == 1
    assert b"WenQuanYi" in inflated(content)  # the Chinese font is embedded
    assert set("明月村党支部召开委员会") <= pdf_text_chars(content)
    assert AuditEvent.objects.filter(action=Action.CADENCE_EXPORTED, actor=town.sam).exists()


def test_the_api_lists_the_arrangements_in_reach(town, published, api_for) -> None:  # noqa: ANN001
    body = api_for("sam").get("/api/cadence-arrangements/?month=2026-11").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [(r["branch_name"], r["month"], r["items"]) for r in rows] == [
        ("明月村党支部", "2026-11", 2)
    ]
    other = Arrangement.objects.get(organization=town.branch_b, month="2026-11")
    assert api_for("sam").get(f"/api/cadence-arrangements/{other.pk}/").status_code == 404
    assert api_for("olga").get(f"/api/cadence-arrangements/{other.pk}/").status_code == 200
    assert api_for("rita").get("/api/cadence-arrangements/").json() in (
        [],
        {"count": 0, "next": None, "previous": None, "results": []},
    )
