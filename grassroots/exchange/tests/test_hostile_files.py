"""Hostile uploads: sparse workbooks that would unfold into gigabytes, oversized CSV lines.

The memory figures are measured in a fresh interpreter (`ru_maxrss` is a high-water
mark, so only a new process shows what reading one file costs).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile

import pytest
from openpyxl import Workbook

from grassroots.exchange import bounds, readers
from grassroots.exchange.tests.helpers import HH_HEADERS, csv_bytes

# Reads one file in a child process; prints seconds, peak RSS growth (KB) and the outcome.
PROBE = textwrap.dedent(
    """
    import io, json, resource, sys, time
    from openpyxl import Workbook
    import django
    django.setup()
    from grassroots.exchange import bounds, readers
    row = int(sys.argv[1])
    wb = Workbook(); ws = wb.active; ws.title = "户"
    ws.append(["户编号", "户主姓名"]); ws.append(["A-1", "孙一"])
    ws[f"XFD{row}"] = "x"
    buf = io.BytesIO(); wb.save(buf); data = buf.getvalue()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        readers.read_grids("roster.xlsx", data)
        outcome = "read"
    except readers.UnreadableFile as exc:
        outcome = str(exc)
    seconds = time.perf_counter() - start
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"bytes": len(data), "seconds": seconds, "grown_kb": grown, "outcome": outcome}))
    """
)


def probe(row: int) -> dict[str, object]:
    done = subprocess.run(  # noqa: S603 - our own interpreter on our own script
        [sys.executable, "-c", PROBE, str(row)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "grassroots.settings"},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("row", [400, 40_000, 1_000_000])
def test_a_sparse_workbook_is_refused_fast_without_unfolding_its_grid(row: int) -> None:
    # 400 rows × 16,384 columns is ~200 MB on the old reader: enough to fail, bounded.
    found = probe(row)
    assert found["bytes"] < 10_000
    # refused, naming the columns it uses and the cap (in the interface language)
    assert found["outcome"] != "read", found
    assert "16384" in str(found["outcome"]) and "200" in str(found["outcome"]), found
    assert found["seconds"] < 1.0, found
    assert found["grown_kb"] < 50 * 1024, found


def sheet_with(cells: dict[str, object]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "户"
    for ref, value in cells.items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_workbook_taller_than_the_row_cap_is_refused_naming_the_limit() -> None:
    data = sheet_with({"A1": "户编号", "B1": "户主姓名", f"A{readers.MAX_ROWS + 10}": "x"})
    with pytest.raises(readers.UnreadableFile, match=f"{readers.MAX_DATA_ROWS:,}"):
        readers.read_grids("roster.xlsx", data)


def test_a_workbook_within_the_caps_keeps_its_excel_row_numbers() -> None:
    data = sheet_with({"A3": "户编号", "B3": "户主姓名", "A5": "A-1", "B5": "孙一"})
    ((name, grid),) = readers.read_grids("roster.xlsx", data)
    assert name == "户" and grid[2][:2] == ["户编号", "户主姓名"] and grid[4][:2] == ["A-1", "孙一"]


def test_old_excel_and_opendocument_files_are_not_opened() -> None:
    for name in ("roster.xls", "roster.ods"):
        with pytest.raises(readers.UnreadableFile, match=r"\.xlsx"):
            readers.read_grids(name, b"whatever")


def test_a_zip_that_is_not_a_workbook_is_unreadable() -> None:
    with pytest.raises(readers.UnreadableFile):
        readers.read_grids("roster.xlsx", b"PK\x03\x04 not really a zip")


def test_a_csv_with_too_many_lines_is_refused_naming_the_limit() -> None:
    data = ("户编号,户主姓名\n" + "A,B\n" * (readers.MAX_ROWS + 1)).encode()
    with pytest.raises(readers.UnreadableFile, match=f"{readers.MAX_DATA_ROWS:,}"):
        readers.read_grids("roster.csv", data)


def test_a_csv_with_an_overlong_line_is_refused_naming_the_limit() -> None:
    data = csv_bytes([HH_HEADERS, ["明月村", "一组", "A-1", "x" * 200_000]], "utf-8")
    with pytest.raises(readers.UnreadableFile, match=f"{readers.MAX_LINE_CHARS:,}"):
        readers.read_grids("roster.csv", data)


def test_a_csv_wider_than_the_column_cap_is_refused() -> None:
    data = csv_bytes([HH_HEADERS, ["x"] * (readers.MAX_COLUMNS + 1)], "utf-8")
    with pytest.raises(readers.UnreadableFile, match=str(readers.MAX_COLUMNS)):
        readers.read_grids("roster.csv", data)


def test_a_quoted_field_past_the_csv_field_limit_is_unreadable_not_a_crash() -> None:
    # Short lines, one field of 180,000 characters: csv itself refuses it.
    data = ('户编号,户主姓名\n"' + ("a" * 9000 + "\n") * 20 + '",x\n').encode()
    with pytest.raises(readers.UnreadableFile):
        readers.read_grids("roster.csv", data)


def test_a_sheet_within_both_caps_but_too_large_an_area_is_refused() -> None:
    data = sheet_with({"A1": "户编号", "B1": "户主姓名", "CZ30000": "x"})  # 104 × 30,000
    with pytest.raises(readers.UnreadableFile, match=f"{bounds.MAX_CELLS:,}"):
        readers.read_grids("roster.xlsx", data)


def bare_package(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(zipfile.ZipInfo("xl/"), b"")  # a directory entry
        for name, body in parts.items():
            package.writestr(name, body)
    return out.getvalue()


def test_a_package_without_a_workbook_part_is_measured_by_its_part_names() -> None:
    sheet = b'<worksheet><sheetData><row r="1"><c r="ZZ1"/></row></sheetData></worksheet>'
    data = bare_package({"xl/worksheets/sheet9.xml": sheet})
    with pytest.raises(bounds.TooLarge, match="sheet9.xml"):
        bounds.check_workbook(data)


def test_a_workbook_part_too_large_to_read_for_names_still_gets_measured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bounds, "_SMALL_PART", 10)
    data = sheet_with({"A1": "户编号", "XFD1": "x"})
    with pytest.raises(bounds.TooLarge, match="sheet1.xml"):
        bounds.check_workbook(data)


def test_a_package_that_unpacks_past_the_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_UNPACKED_BYTES", 1000)
    data = bare_package({"xl/worksheets/sheet1.xml": b" " * 5000})
    with pytest.raises(readers.UnreadableFile, match="1000|0 MB"):
        readers.read_grids("roster.xlsx", data)
