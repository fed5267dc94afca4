"""The column-at-a-time reading (`RowParser.parse_all`) finds exactly what reading each
row cell by cell (`RowParser.parse`) finds: the same values, the same bad rows and the
same problems with their row, column, shown value and reason. Its whole-column checks
(one search for a control character, the longest cell, the phone column in one pass)
only decide whether a column may skip the cell-by-cell path."""

from __future__ import annotations

import pytest

from grassroots.exchange.parsing import Column, RowParser, TagChecker, masked_phone, phone, phones
from grassroots.exchange.readers import HOUSEHOLD_COLUMNS, Sheet
from grassroots.exchange.report import ImportReport
from grassroots.grid.models import Tag
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tags(town: Town) -> None:
    Tag.objects.get_or_create(name="独居老人")


def spec() -> tuple[Column, ...]:
    return (
        Column("code", required=True, max_length=8),
        Column("head", required=True, max_length=4),
        Column("phone", parse=phone, shown=masked_phone, parse_many=phones),
        Column("address", max_length=10, multiline=True),
        Column("rep_phone", parse=phone, shown=masked_phone, parse_many=phones),
        Column("tags", parse=TagChecker().reader("household"), default=[]),
    )


CLEAN = {
    "code": "A-1",
    "head": "王一",
    "phone": "13811112222",
    "address": "一组\n1号",
    "rep_phone": "13800000001",
    "tags": "独居老人",
}
DIRTY = [
    {"code": "A-2", "head": "", "phone": "138 1111 2223", "rep_phone": "13800000001"},
    {"code": "A\x00-3", "head": "王三", "phone": "12345", "address": "一组\t3号"},
    {"code": "A-4-TOO-LONG", "head": "王四五六七", "phone": "+86 13811112224", "tags": "无此"},
    {"code": "A-5", "head": "王\x07五", "phone": "12345", "address": "一组\x0b5号"},
    {"code": "", "head": "王六", "rep_phone": "0731-88887777", "tags": "独居老人、无此、也无"},
]


def read_both(rows: list[dict[str, str]]) -> tuple[list, list, list, list]:
    sheet = Sheet(name="户", rows=[(i + 2, row) for i, row in enumerate(rows)])
    by_column, by_row = ImportReport(kind="households"), ImportReport(kind="households")
    columns = RowParser(sheet, HOUSEHOLD_COLUMNS, spec(), by_column).parse_all()
    one_by_one = RowParser(sheet, HOUSEHOLD_COLUMNS, spec(), by_row)
    rowwise = [one_by_one.parse(row, text) for row, text in sheet.rows]
    return columns, rowwise, by_column.errors, by_row.errors


@pytest.mark.parametrize("dirty", [[], DIRTY], ids=["clean file", "every kind of bad cell"])
def test_reading_by_column_finds_what_reading_by_row_finds(town: Town, dirty: list) -> None:
    rows = [dict(CLEAN, code=f"A-{i}") for i in range(30)] + dirty + [CLEAN]
    columns, rowwise, column_errors, row_errors = read_both(rows)
    assert [(p.row, p.values, p.bad) for p in columns] == [
        (p.row, p.values, p.bad) for p in rowwise
    ]
    assert sorted(column_errors, key=lambda e: (e.row, e.column, e.reason)) == sorted(
        row_errors, key=lambda e: (e.row, e.column, e.reason)
    )
    assert bool(dirty) == bool(column_errors)


def test_a_bad_cell_in_a_clean_looking_column_is_still_found(town: Town) -> None:
    """One bad phone among thousands of good ones sends the column cell by cell."""
    rows = [dict(CLEAN, code=f"A-{i}", phone=f"138{i:08d}") for i in range(2000)]
    rows[1500]["phone"] = "138123"
    columns, _rowwise, errors, _row_errors = read_both(rows)
    assert [(e.row, e.column, e.value) for e in errors] == [(1502, "联系电话", "******")]
    assert columns[1500].bad and not columns[1499].bad
    assert columns[1499].values["phone"] == "13800001499"


def test_the_phone_column_in_one_pass_takes_only_clean_numbers(town: Town) -> None:
    assert phones(["13811112222", "073188887777", "02188887777"]) is not None
    assert phones([]) == []
    for bad in (
        "138 1111 2222",
        "+8613811112222",
        "１３８１１１１２２２２",
        "12345",
        "13811112222\n",
    ):
        assert phones(["13811112222", bad]) is None
