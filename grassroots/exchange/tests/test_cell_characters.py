"""Every column of every sheet refuses what the database would refuse: control
characters (NUL first) and text longer than the column, with row, column and reason.

CSV carries the control characters (openpyxl will not write them into a workbook);
each sheet is its own CSV file. The suite runs on SQLite and PostgreSQL: on the old
code PostgreSQL raised DataError on the write and SQLite stored the NUL.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from grassroots.exchange import services
from grassroots.exchange.tests.helpers import HH_HEADERS, ID_C, RES_HEADERS, csv_bytes
from grassroots.exchange.tests.test_import_organizations import MEM, ORG
from grassroots.grid.models import Household, Resident, Tag
from grassroots.party.models import Member, Organization
from grassroots.testing import Town

SHEETS = {
    "households": (
        "households",
        HH_HEADERS,
        [
            "明月村",
            "一组",
            "A-701",
            "孙七",
            "13811112222",
            "明月村一组7号",
            3,
            "张代表",
            "",
            "独居老人",
        ],
    ),
    "residents": (
        "households",
        RES_HEADERS,
        ["A-001", "孙小七", "儿子", ID_C, "13811112222", "独居老人"],
    ),
    "organizations": (
        "organizations",
        ORG,
        ["中共测试镇委员会", "测试第七党支部", "党支部", "两新", "明月村"],
    ),
    "members": (
        "organizations",
        MEM,
        ["明月村党支部", "陈七", "男", "正式", "2010-05-04", "组织委员", "13800001111", ID_C],
    ),
}
CASES = [(sheet, i) for sheet, (_k, headers, _r) in SHEETS.items() for i in range(len(headers))]


@pytest.fixture
def tags(town: Town) -> None:
    Tag.objects.create(name="独居老人")


def import_csv(town: Town, sheet: str, column: int, value: str, dry_run: bool = True) -> object:
    kind, headers, good = SHEETS[sheet]
    row = list(good)
    row[column] = value
    data = csv_bytes([headers, row], "utf-8")
    return services.import_file(
        actor=town.alice, kind=kind, filename=f"{sheet}.csv", data=data, dry_run=dry_run
    )


def nothing_written() -> bool:
    return not (
        Household.objects.filter(code="A-701").exists()
        or Resident.objects.filter(name__in=["孙小七"]).exists()
        or Organization.objects.filter(name="测试第七党支部").exists()
        or Member.objects.filter(name="陈七").exists()
    )


@pytest.mark.parametrize(("sheet", "column"), CASES)
def test_a_nul_in_any_column_is_refused_with_row_column_and_reason(
    town: Town, tags: None, sheet: str, column: int
) -> None:
    _kind, headers, good = SHEETS[sheet]
    report = import_csv(town, sheet, column, f"{good[column]}\x00x", dry_run=False)
    found = [(e.row, e.column) for e in report.errors]  # type: ignore[attr-defined]
    assert (2, headers[column]) in found, report.errors  # type: ignore[attr-defined]
    reasons = [e.reason for e in report.errors if e.row == 2]  # type: ignore[attr-defined]
    assert any("U+0000" in r for r in reasons), reasons
    assert "\x00" not in "".join(e.value for e in report.errors)  # type: ignore[attr-defined]
    assert not report.written and nothing_written()  # type: ignore[attr-defined]


@pytest.mark.parametrize(("sheet", "column"), CASES)
def test_an_overlong_cell_in_any_column_is_refused_naming_its_length(
    town: Town, tags: None, sheet: str, column: int
) -> None:
    _kind, headers, _good = SHEETS[sheet]
    report = import_csv(town, sheet, column, "长" * 250)
    errors = [e for e in report.errors if e.row == 2]  # type: ignore[attr-defined]
    # "at most N characters" (in the interface language): the column's own length
    assert [(e.column, bool(re.search(r"\d{2,3}", e.reason))) for e in errors] == [
        (headers[column], True)
    ]


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x7f", "\x85", "\t", "\n"])
def test_other_control_characters_are_refused_in_a_name(town: Town, tags: None, char: str) -> None:
    report = import_csv(town, "households", 3, f"孙{char}七")
    assert [(e.row, e.column) for e in report.errors] == [(2, "户主姓名")]  # type: ignore[attr-defined]


def test_an_address_may_hold_a_line_break_and_a_tab(town: Town, tags: None) -> None:
    report = import_csv(town, "households", 5, "明月村\n一组\t7号", dry_run=False)
    assert report.ok, report.errors  # type: ignore[attr-defined]
    assert Household.objects.get(code="A-701").address == "明月村\n一组\t7号"


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_cli_reports_a_nul_with_its_row_and_column_and_exits_1(
    town: Town, tags: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], dry_run: bool
) -> None:
    kind, headers, good = SHEETS["households"]
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([headers, [*good[:3], "孙\x00八", *good[4:]]], "utf-8"))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_data", kind, str(path), "--as", "alice", *(["--dry-run"] * dry_run))
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "2" in out and "户主姓名" in out and "U+0000" in out
    assert nothing_written()
