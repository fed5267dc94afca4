"""Build real spreadsheet files for the exchange tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

HH_HEADERS = ["村(社区)", "村民小组", "户编号", "户主姓名", "联系电话", "住址", "家庭人口", "联系代表", "代表电话", "标签"]  # fmt: skip
RES_HEADERS = ["户编号", "姓名", "与户主关系", "身份证号", "联系电话", "标签"]
# Valid IDs (stdnum.cn.ric) for new people; checksums verified.
ID_C = "110101199003077352"
ID_D = "110101199003072914"


def xlsx(sheets: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def good_households() -> dict[str, list[list[Any]]]:
    return {
        "户": [
            HH_HEADERS,
            [
                "明月村",
                "一组",
                "A-101",
                "孙一",
                "13811112222",
                "明月村一组101号",
                3,
                "张代表",
                "",
                "独居老人",
            ],
            [
                "明月村",
                "二组",
                "A-102",
                "孙二",
                13811113333,
                "明月村二组102号",
                "",
                "新代表",
                "13911110000",
                "",
            ],
        ],
        "居民": [
            RES_HEADERS,
            ["A-101", "孙一", "户主", ID_C, "", ""],
            ["A-101", "孙小一", "儿子", "", "", ""],
            ["A-102", "孙二", "户主", ID_D, "13811113333", "独居老人"],
        ],
    }
