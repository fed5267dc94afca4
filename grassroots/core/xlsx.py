"""Spreadsheets and downloads every app writes the same way.

`safe` neutralises text that Excel or WPS would run as a formula (CSV injection, OWASP);
`table_workbook` writes one or more plain sheets (a header row, then rows), streaming,
every text cell made safe; `attachment` answers a file download. The import/export of the
grid and Party registries (`exchange`) and the lists of the Party-building apps use them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
# A cell starting with one of these is run as a formula by Excel/WPS; the apostrophe
# makes it inert text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Percent(float):
    """A rate (0.875 = 87.5 %): written as a number the sheet shows as a percentage."""


PERCENT_FORMAT = "0.0%"


def safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text; numbers and dates pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_workbook(sheets: Sequence[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]]) -> bytes:
    """(title, headers, rows) per sheet → .xlsx bytes; headers and cells are made safe."""
    wb = Workbook(write_only=True)
    for title, header, rows in sheets:
        ws = wb.create_sheet(str(title)[:31])
        for index in range(1, len(header) + 1):
            ws.column_dimensions[get_column_letter(index)].width = 18
        ws.append([safe(str(h)) for h in header])
        for row in rows:
            ws.append([_percent_cell(ws, v) if isinstance(v, Percent) else safe(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _percent_cell(ws: Any, value: Percent) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=float(value))
    cell.number_format = PERCENT_FORMAT
    return cell


def attachment(content: bytes, filename: str, content_type: str = XLSX_TYPE) -> HttpResponse:
    """A download; `filename` is ASCII (a Chinese name goes in `filename*`)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
