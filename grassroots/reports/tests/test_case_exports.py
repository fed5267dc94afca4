"""The case list's and the measures page's exports (issue #13: "case lists and measures
export too"): the filtered rows, masked phones, audited, refused without Cap.EXPORT."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from grassroots.cases import measures
from grassroots.cases.models import Case, Priority
from grassroots.cases.tests.helpers import at, file_case
from grassroots.core import clock
from grassroots.core.audit import Action, AuditEvent
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def rows_of(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200, response.status_code
    book = load_workbook(io.BytesIO(response.content))
    return list(book.worksheets[0].iter_rows(values_only=True))


@pytest.fixture
def cases(town: Town) -> list[Case]:
    clock.set_now(at(2026, 9, 28, 10, 0))
    return [
        file_case(town, reporter_name="王大明", reporter_phone="13812345678"),
        file_case(
            town, text="路灯坏了好几天了，晚上很黑", place=town.group_b1, priority=Priority.URGENT
        ),
        file_case(town, text="垃圾没有人清运，气味很大", place=town.group_a2),
    ]


def test_the_case_export_is_the_filtered_list_with_masked_phones(
    town: Town, cases: list[Case], client_for: Any
) -> None:
    client = client_for("alice")
    every = rows_of(client.get("/cases/export/"))
    assert {r[0] for r in every[1:]} == {c.code for c in cases}
    assert all("13812345678" not in str(cell) for row in every for cell in row)
    phone_col = list(every[0]).index(
        str(Case._meta.get_field("reporter_phone_masked").verbose_name)
    )
    masked = {r[0]: r[phone_col] for r in every[1:]}[cases[0].code]
    assert masked and masked.startswith("138") and masked.endswith("5678") and "*" in masked

    urgent = rows_of(client.get("/cases/export/?priority=urgent"))
    assert [r[0] for r in urgent[1:]] == [cases[1].code]
    assert (
        client.get("/cases/?priority=urgent")
        .content.decode()
        .count("/cases/export/?priority=urgent")
        == 1
    )
    events = AuditEvent.objects.filter(action=Action.CASES_EXPORTED, actor=town.alice)
    assert [e.data["rows"] for e in events.order_by("pk")] == [3, 1]


def test_the_case_export_holds_only_the_rows_in_reach(
    town: Town, cases: list[Case], client_for: Any
) -> None:
    # Sam (village A's secretary, who may export) sees village A's cases only.
    codes = {r[0] for r in rows_of(client_for("sam").get("/cases/export/"))[1:]}
    assert codes == {cases[0].code, cases[2].code}


def test_no_export_without_the_capability(town: Town, cases: list[Case], client_for: Any) -> None:
    assert client_for("oscar").get("/cases/export/").status_code == 403
    assert client_for("ivan").get("/cases/export/").status_code == 403
    assert client_for("oscar").get("/cases/measures/export/").status_code == 404
    assert "/cases/export/" not in client_for("ivan").get("/cases/").content.decode()
    assert not AuditEvent.objects.filter(
        action__in=(Action.CASES_EXPORTED, Action.CASES_MEASURES_EXPORTED)
    ).exists()


def test_the_measures_export_equals_the_measures(
    town: Town, cases: list[Case], client_for: Any
) -> None:
    client = client_for("alice")
    page = client.get("/cases/measures/?year=2026&month=9").content.decode()
    assert "/cases/measures/export/?year=2026&amp;month=9" in page
    rows = rows_of(client.get("/cases/measures/export/?year=2026&month=9"))
    total = measures.measures_for(town.town, 2026, 9)
    assert rows[1][:3] == ("测试镇", "全镇合计", total.cases) and total.cases == 3
    ranking = measures.village_ranking(town.town, 2026, 9)
    assert [(r[1], r[2]) for r in rows[2:]] == [(v.name, m.cases) for v, m in ranking]
    assert AuditEvent.objects.filter(
        action=Action.CASES_MEASURES_EXPORTED, actor=town.alice
    ).exists()
    assert client.get("/cases/measures/export/?year=2026&month=13").status_code == 404
