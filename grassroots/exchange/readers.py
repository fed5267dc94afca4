"""Turn an uploaded .xlsx or .csv into sheets of (row number, {column key: text}).

Chinese offices save spreadsheets in every way imaginable: header variants,
full-width brackets and digits, title rows above the header, numbers where text
was meant (phones, household numbers with a trailing `.0`), CSV in GBK. This
module absorbs all of that so the importers only see clean text keyed by a
canonical column name, with the row number the user sees in Excel.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from grassroots.exchange.bounds import (
    MAX_COLUMNS,
    MAX_DATA_ROWS,
    MAX_HEADER_ROWS,
    MAX_LINE_CHARS,
    MAX_ROWS,
    TooLarge,
    check_extent,
    check_workbook,
)

__all__ = ["MAX_COLUMNS", "MAX_DATA_ROWS", "MAX_LINE_CHARS", "MAX_ROWS"]

# Canonical column → (header shown in templates/exports, accepted variants).
# Variants are compared after `header_key` (NFKC, no spaces/asterisks/brackets).
HOUSEHOLD_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "village": (
        "村(社区)",
        (
            "村",
            "社区",
            "村居",
            "村(居)",
            "村社区",
            "村/社区",
            "所属村(社区)",
            "所在村(社区)",
            "村(社区)名称",
        ),
    ),
    "group": ("村民小组", ("组", "小组", "村民组", "居民小组", "村(居)民小组", "组别", "所属小组")),
    "code": ("户编号", ("户号", "户编码", "户编号", "编号", "户代码")),
    "head": ("户主姓名", ("户主", "户主名", "户主姓名")),
    "phone": (
        "联系电话",
        ("电话", "手机", "手机号", "手机号码", "联系方式", "电话号码", "户主电话"),
    ),
    "address": ("住址", ("地址", "家庭住址", "家庭地址", "居住地址", "现住址")),
    "size": ("家庭人口", ("人口", "家庭人数", "人数", "户人口", "家庭人口数")),
    "rep": ("联系代表", ("代表", "联系代表姓名", "代表姓名", "村民代表", "居民代表", "联户代表")),
    "rep_phone": ("代表电话", ("代表联系电话", "代表手机", "代表手机号", "联系代表电话")),
    "tags": ("标签", ("户标签", "类别标签", "标记")),
}
RESIDENT_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "code": HOUSEHOLD_COLUMNS["code"],
    "name": ("姓名", ("名字", "居民姓名", "成员姓名")),
    "relation": ("与户主关系", ("关系", "与户主的关系", "家庭关系")),
    "id_number": ("身份证号", ("身份证", "身份证号码", "公民身份号码", "身份证件号码", "证件号码")),
    "phone": ("联系电话", HOUSEHOLD_COLUMNS["phone"][1]),
    "tags": ("标签", ("人员标签", "类别标签", "标记")),
}
ORGANIZATION_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "parent": ("上级组织", ("上级党组织", "上级组织名称", "上级党组织名称")),
    "name": ("组织名称", ("党组织名称", "组织", "党组织")),
    "kind": ("组织类别", ("类别", "组织层级", "党组织类别")),
    "org_type": ("组织类型", ("类型", "党组织类型", "单位类型")),
    "place": ("所在村(社区)", ("村(社区)", "所在村", "所在社区", "所在地", "村", "社区")),
}
MEMBER_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "organization": ("组织名称", ("所在党组织", "所在支部", "党组织", "党组织名称", "所在组织")),
    "name": ("姓名", ("党员姓名", "名字")),
    "gender": ("性别", ()),
    "status": ("党员类别", ("类别", "党员类型", "人员类别")),
    "joined_on": ("入党日期", ("入党时间", "入党年月")),
    "post": ("职务", ("党内职务", "党内职务名称")),
    "phone": ("联系电话", HOUSEHOLD_COLUMNS["phone"][1]),
    "id_number": ("身份证号", RESIDENT_COLUMNS["id_number"][1]),
}

MAX_HEADER_SCAN = MAX_HEADER_ROWS


def header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s*＊:：]", "", text).replace("（", "(").replace("）", ")").lower()


def _alias_map(columns: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for key, (label, variants) in columns.items():
        for variant in (label, *variants):
            aliases.setdefault(header_key(variant), key)
            # "村(社区)" is also written "村社区" or "村（社区）": drop brackets too.
            aliases.setdefault(re.sub(r"[()]", "", header_key(variant)), key)
    return aliases


_NUMBER_AS_TEXT = re.compile(r"\d+\.0+")


def cell_text(value: Any) -> str:
    """One cell as clean text: Excel numbers without `.0`, dates as ISO, NFKC."""
    if type(value) is str:
        # NFKC leaves ASCII as it is; most cells of a roster are ASCII or already NFKC.
        text = (value if value.isascii() else unicodedata.normalize("NFKC", value)).strip()
        if text[:1] != "'" and "." not in text:
            return text
        return _text_marks(text)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return _text_marks(unicodedata.normalize("NFKC", str(value)).strip())


def _text_marks(text: str) -> str:
    # Our exports neutralise formulas with a leading apostrophe; take it off again.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    if _NUMBER_AS_TEXT.fullmatch(text):  # numbers pasted as text from another sheet
        text = text.split(".")[0]
    return text


@dataclass
class Sheet:
    """One sheet: its name, the header as written, and data rows keyed by column."""

    name: str
    headers: dict[str, str] = field(default_factory=dict)  # key → header as written
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def label(self, key: str, columns: dict[str, tuple[str, tuple[str, ...]]]) -> str:
        return self.headers.get(key) or columns[key][0]


def _locate_header(
    grid: list[list[Any]], aliases: dict[str, str]
) -> tuple[int, dict[int, str], dict[str, str]] | None:
    """The row (0-based) that looks most like a header for these columns."""
    best: tuple[int, dict[int, str], dict[str, str]] | None = None
    for index, row in enumerate(grid[:MAX_HEADER_SCAN]):
        positions: dict[int, str] = {}
        written: dict[str, str] = {}
        for col, value in enumerate(row):
            text = cell_text(value)
            key = aliases.get(header_key(text)) or aliases.get(
                re.sub(r"[()]", "", header_key(text))
            )
            if key and key not in written:
                positions[col] = key
                written[key] = text
        if len(written) >= 2 and (best is None or len(written) > len(best[2])):
            best = (index, positions, written)
    return best


def build_sheet(
    name: str, grid: list[list[Any]], columns: dict[str, tuple[str, tuple[str, ...]]]
) -> Sheet | None:
    """Sheet of rows for these columns, or None when no header matches them."""
    found = _locate_header(grid, _alias_map(columns))
    if found is None:
        return None
    header_index, positions, written = found
    sheet = Sheet(name=name, headers=written)
    body = grid[header_index + 1 :]
    keys = list(positions.values())
    # Column by column (a roster is a dozen columns of thousands of cells), then rows.
    texts = [[cell_text(row[col]) if col < len(row) else "" for row in body] for col in positions]
    for index, values in enumerate(zip(*texts, strict=True), start=header_index + 2):
        if any(values):  # Excel rows are 1-based: the header's row + 1 is the first
            sheet.rows.append((index, dict(zip(keys, values, strict=True))))
    return sheet


class UnreadableFile(ValueError):
    """The upload is not a spreadsheet we can open."""


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) if it decodes strictly, else GB18030 (a GBK superset)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(_("The CSV file is neither UTF-8 nor GBK text.")) from exc


def read_grids(filename: str, data: bytes) -> list[tuple[str, list[list[Any]]]]:
    """[(sheet name, rows of raw cell values)] with true row positions kept.

    Sizes are checked before anything is unfolded (see `bounds`): a file past the
    caps is UnreadableFile with the limit in its message.
    """
    lower = filename.lower()
    try:
        if lower.endswith((".csv", ".txt")):
            return [("CSV", read_csv(data))]
        if lower.endswith((".xlsx", ".xlsm")):
            return read_workbook(data)
    except TooLarge as exc:
        raise UnreadableFile(str(exc)) from exc
    raise UnreadableFile(_("Upload an .xlsx or .csv file."))


def read_csv(data: bytes) -> list[list[str]]:
    """The rows of a CSV file; TooLarge past the line count, line length or width caps."""
    text = decode_csv(data)
    lines = text.count("\n") + 1
    if lines > MAX_ROWS:
        check_extent("CSV", lines, 1)
    if max(map(len, text.splitlines()), default=0) > MAX_LINE_CHARS:
        raise TooLarge(
            _("A line of the CSV file is longer than %(max)s characters.")
            % {"max": f"{MAX_LINE_CHARS:,}"}
        )
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            if len(row) > MAX_COLUMNS:
                check_extent("CSV", len(rows) + 1, len(row))
            rows.append(row)
    except csv.Error as exc:
        raise UnreadableFile(_("The CSV file could not be read.")) from exc
    return rows


def read_workbook(data: bytes) -> list[tuple[str, list[list[Any]]]]:
    """Every sheet of an .xlsx, measured first (a sparse file cannot unfold)."""
    try:
        check_workbook(data)
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [
            (name, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
            for name in book.sheet_names
        ]
    except TooLarge:
        raise
    except Exception as exc:  # zipfile and calamine raise their own error types
        raise UnreadableFile(_("The file could not be read as a spreadsheet.")) from exc


def pick_sheets(
    grids: Iterable[tuple[str, list[list[Any]]]],
    kinds: dict[str, tuple[dict[str, tuple[str, tuple[str, ...]]], set[str], str]],
) -> dict[str, Sheet]:
    """Assign each sheet to the first kind whose required headers it carries.

    `kinds`: role → (columns, headers that identify it, preferred sheet name).
    A sheet named like a role is tried for that role first.
    """
    picked: dict[str, Sheet] = {}
    grids = list(grids)
    for role, (columns, needed, preferred) in kinds.items():
        ordered = sorted(grids, key=lambda g: g[0].strip() != preferred)
        for name, grid in ordered:
            if name in {s.name for s in picked.values()}:
                continue
            sheet = build_sheet(name, grid, columns)
            if sheet is not None and needed <= set(sheet.headers):
                picked[role] = sheet
                break
    return picked
