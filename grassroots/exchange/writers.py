"""Write workbooks: blank templates and exports, in the format the importer reads."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from grassroots.core.xlsx import safe
from grassroots.exchange.readers import (
    HOUSEHOLD_COLUMNS,
    MEMBER_COLUMNS,
    ORGANIZATION_COLUMNS,
    RESIDENT_COLUMNS,
)
from grassroots.exchange.vocabulary import (
    GENDER_LABELS,
    ORG_KIND_LABELS,
    ORG_TYPE_LABELS,
    POST_LABELS,
    RELATION_LABELS,
    STATUS_LABELS,
)

SHEETS = {
    "households": (("户", HOUSEHOLD_COLUMNS), ("居民", RESIDENT_COLUMNS)),
    "organizations": (("组织", ORGANIZATION_COLUMNS), ("党员", MEMBER_COLUMNS)),
}
REQUIRED = {
    "户": {"village", "group", "code", "head"},
    "居民": {"code", "name"},
    "组织": {"parent", "name", "kind"},
    "党员": {"organization", "name"},
}

EXAMPLES = {
    "户": [
        "明月村",
        "一组",
        "A-101",
        "王某某",
        "13800000000",
        "明月村一组101号",
        3,
        "张代表",
        "13800000001",
        "",
    ],
    "居民": ["A-101", "王某某", "户主", "", "", ""],
    "组织": ["中共某某镇委员会", "某某村党支部", "党支部", "村(社区)", "某某村"],
    "党员": ["某某村党支部", "李某某", "男", "正式", "2001-07-01", "书记", "", ""],
}

INSTRUCTIONS = {
    "households": [
        "填表说明",
        "1. 第一行为表头，请勿修改；从第二行起每行一户（“户”表）或一人（“居民”表）。示例行请删除。",
        "2. 带 * 的列为必填：村(社区)、村民小组、户编号、户主姓名；“居民”表的户编号、姓名。",
        "3. 村(社区)、村民小组须与系统中的名称一致，且在您的管理范围内；户编号在本镇内不得重复。",
        "4. 联系电话填写 11 位手机号或带区号的固定电话；身份证号须为 18 位有效号码，请将单元格设为文本格式。",
        "5. 标签须为系统标签库中已有的标签，多个标签用顿号、逗号或空格分隔；新标签请联系管理员添加。",
        "6. 联系代表填写本村已有代表姓名（可附代表电话），系统中没有的将自动新建。",
        "7. “居民”表的户编号须在“户”表或系统中已存在。",
        "8. 导入时先检查全部数据：只要有一处错误，系统不写入任何数据，并列出所有错误的行号、列名和原因。",
    ],
    "organizations": [
        "填表说明",
        "1. 第一行为表头，请勿修改；“组织”表每行一个党组织，“党员”表每行一名党员。示例行请删除。",
        "2. 上级组织须为系统中已有的党组织或本表中的其他组织。",
        "3. 组织类别：党委、党总支、党支部、党小组；组织类型：村(社区)、两新、机关事业单位。",
        "4. 党员类别：正式、预备；入党日期格式如 2001-07-01；职务：书记、副书记、组织委员、宣传委员、纪检委员、党小组长，无职务留空。",
        "5. 导入时先检查全部数据：只要有一处错误，系统不写入任何数据，并列出所有错误。",
    ],
}

CHOICES = {
    ("居民", "relation"): list(RELATION_LABELS.values()),
    ("组织", "kind"): list(ORG_KIND_LABELS.values()),
    ("组织", "org_type"): list(ORG_TYPE_LABELS.values()),
    ("党员", "gender"): list(GENDER_LABELS.values()),
    ("党员", "status"): list(STATUS_LABELS.values()),
    ("党员", "post"): list(POST_LABELS.values()),
}
TEXT_COLUMNS = {"code", "phone", "rep_phone", "id_number"}


def headers(columns: dict[str, tuple[str, tuple[str, ...]]]) -> list[str]:
    return [label for label, _variants in columns.values()]


def _style_header(ws: Any, count: int) -> None:
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for col in range(1, count + 1):
        cell = ws.cell(row=1, column=col)
        cell.font = bold
        cell.fill = fill
        ws.column_dimensions[get_column_letter(col)].width = 16
    ws.freeze_panes = "A2"


def template_workbook(kind: str) -> bytes:
    """A blank template: headers, one example row, validation lists, instructions."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, columns in SHEETS[kind]:
        ws = wb.create_sheet(title)
        ws.append(headers(columns))
        ws.append([safe(v) for v in EXAMPLES[title]])
        _style_header(ws, len(columns))
        for index, key in enumerate(columns, start=1):
            letter = get_column_letter(index)
            if key in REQUIRED[title]:
                ws.cell(row=1, column=index).font = Font(bold=True, color="C00000")
            if key in TEXT_COLUMNS:
                # Long digit strings stay text: Excel would round an 18-digit ID.
                for row in range(2, 2001):
                    ws.cell(row=row, column=index).number_format = "@"
            choices = CHOICES.get((title, key))
            if choices:
                dv = DataValidation(
                    type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True
                )
                dv.add(f"{letter}2:{letter}5000")
                ws.add_data_validation(dv)
    notes = wb.create_sheet("说明")
    for line in INSTRUCTIONS[kind]:
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    notes["A1"].font = Font(bold=True, size=14)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_workbook(kind: str, sheets: Sequence[Iterable[Sequence[Any]]]) -> bytes:
    """Rows (in SHEETS order) written streaming, every text cell formula-safe."""
    wb = Workbook(write_only=True)
    for (title, columns), rows in zip(SHEETS[kind], sheets, strict=True):
        ws = wb.create_sheet(title)
        for index in range(1, len(columns) + 1):
            ws.column_dimensions[get_column_letter(index)].width = 16
        ws.append(headers(columns))
        for row in rows:
            ws.append([safe(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
