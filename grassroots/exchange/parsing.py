"""One per-row parser for every import sheet, driven by a column spec.

A sheet is described by its `Column`s: the key the reader mapped its header and
aliases to (`readers.*_COLUMNS`), whether it is required, its longest length and
how its text becomes a value (a cleaner, a choice among words, a lookup in what
the validator preloaded). `RowParser.parse` runs the spec over one row and puts
every problem in the report with its row, its column as written in the file and
the reason; the validators add only the checks that truly differ per sheet.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from grassroots.core import personal
from grassroots.exchange.readers import Sheet
from grassroots.exchange.report import ImportReport
from grassroots.exchange.vocabulary import TAG_SPLIT, group_key, name_key
from grassroots.grid.models import Place, Tag

Labels = dict[str, tuple[str, tuple[str, ...]]]

# What no column stores: C0/C1 controls (NUL makes PostgreSQL raise, SQLite keeps it)
# and lone surrogates (not UTF-8 at all). Free-text columns also take tab and newline.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# A column that names no length of its own (a lookup, a choice, a list of tags) still
# has one: nothing longer than this is a name, a word or a tag list.
LOOKUP_LENGTH = 200
_UNSEEN = object()


class CellError(Exception):
    """A cell that cannot be read: one or more (value shown, reason) problems."""

    def __init__(self, reason: str, shown: str | None = None) -> None:
        super().__init__(reason)
        self.problems: list[tuple[str | None, str]] = [(shown, reason)]


@dataclass(frozen=True)
class Column:
    """How one column of a sheet is read.

    `parse` turns the cell's text into the row's value or raises CellError; an
    empty cell gives `default` (or the "required" error). `shown` is how the
    cell's own text appears in an error (personal data masked). Every cell is
    at most `max_length` characters and holds no control character (tab and
    newline are allowed where `multiline`).
    """

    key: str
    required: bool = False
    max_length: int = LOOKUP_LENGTH
    parse: Callable[[str], Any] | None = None
    default: Any = ""
    shown: Callable[[str], str] | None = None
    multiline: bool = False
    # Optional: the whole column's non-empty cells at once, or None to read them one by one.
    parse_many: Callable[[list[str]], list[Any] | None] | None = None


def control_problem(cell: str, multiline: bool = False) -> str | None:
    """Why a cell's characters cannot be stored (None when they can)."""
    found = (TEXT_CONTROL if multiline else CONTROL).search(cell)
    if found is None:
        return None
    return _("contains a control character (U+%(code)s)") % {"code": f"{ord(found[0]):04X}"}


def printable(cell: str) -> str:
    """The cell as a report may show it: control characters replaced."""
    return CONTROL.sub("\ufffd", cell)


@dataclass
class Parsed:
    """One row read through the spec: its values and whether any cell was bad."""

    row: int
    values: dict[str, Any]
    bad: bool = False

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


class RowParser:
    """Reads the rows of one sheet through its spec, reporting into `report`."""

    def __init__(
        self, sheet: Sheet, labels: Labels, spec: tuple[Column, ...], report: ImportReport
    ) -> None:
        self.sheet = sheet
        self.labels = labels
        self.spec = spec
        self.report = report

    def column(self, key: str) -> str:
        """The column as the file names it (its default header when absent)."""
        return self.sheet.label(key, self.labels)

    def error(self, parsed: Parsed, key: str, value: Any, reason: str) -> None:
        self.add(parsed.row, key, value, reason)
        parsed.bad = True

    def add(self, row: int, key: str, value: Any, reason: str) -> None:
        self.report.add(self.sheet.name, row, self.column(key), value, reason)

    def rows(self) -> Iterator[tuple[Parsed, dict[str, str]]]:
        """Every data row: parsed through the spec, with its raw text."""
        parsed = self.parse_all()
        for p, (_row, text) in zip(parsed, self.sheet.rows, strict=True):
            yield p, text

    def parse_all(self) -> list[Parsed]:
        """Every data row read through the spec, one column at a time.

        A column is checked as a whole first (one regular-expression search over its
        joined text for a control character, its longest cell against its length) and
        each distinct text is parsed once; only a column that fails the whole check
        is looked at cell by cell. The problems are the same as `parse` finds, row by row.
        """
        started = time.perf_counter()
        rows = self.sheet.rows
        parsed = [Parsed(row, {}) for row, _text in rows]
        for col in self.spec:
            cells = [text.get(col.key, "") for _row, text in rows]
            self._column(col, cells, parsed)
        timings = self.report.timings
        timings["clean"] = timings.get("clean", 0.0) + time.perf_counter() - started
        return parsed

    def _column(self, col: Column, cells: list[str], parsed: list[Parsed]) -> None:
        key, default = col.key, col.default
        whole = (TEXT_CONTROL if col.multiline else CONTROL).search("".join(cells)) is None and (
            max(map(len, cells), default=0) <= col.max_length
        )
        if whole and col.parse_many is not None:
            values = col.parse_many([c for c in cells if c])
            if values is not None:
                found = iter(values)
                for p, cell in zip(parsed, cells, strict=True):
                    if cell:
                        p.values[key] = next(found)
                    else:
                        self._empty(col, p)
                return
        done: dict[str, Any] = {}
        for p, cell in zip(parsed, cells, strict=True):
            if not cell:
                self._empty(col, p)
            elif not whole and self._unstorable(col, p, cell):
                p.values[key] = default
            elif col.parse is None:
                p.values[key] = cell
            else:
                value = done.get(cell, _UNSEEN)
                if value is _UNSEEN:
                    try:
                        value = done[cell] = col.parse(cell)
                    except CellError as exc:
                        value = done[cell] = exc
                if isinstance(value, CellError):
                    p.values[key] = default
                    for shown, reason in value.problems:
                        if shown is None:
                            shown = col.shown(cell) if col.shown else cell
                        self.error(p, key, shown, reason)
                else:
                    p.values[key] = value

    def _empty(self, col: Column, p: Parsed) -> None:
        if col.required:
            self.error(p, col.key, "", _("required"))
        p.values[col.key] = col.default

    def _unstorable(self, col: Column, p: Parsed, cell: str) -> bool:
        """Report a cell with a control character or too long (True when it is)."""
        problem = control_problem(cell, col.multiline)
        if problem is None and len(cell) > col.max_length:
            problem = _("at most %(max)s characters") % {"max": col.max_length}
        if problem is None:
            return False
        shown = printable(cell)
        self.error(p, col.key, col.shown(shown) if col.shown else shown, problem)
        return True

    def parse(self, row: int, text: Mapping[str, str]) -> Parsed:
        """One row through the spec (the cell-by-cell reading `parse_all` matches)."""
        parsed = Parsed(row, {})
        for col in self.spec:
            cell = text.get(col.key, "")
            if not cell:
                self._empty(col, parsed)
            elif self._unstorable(col, parsed, cell):
                parsed.values[col.key] = col.default
            elif col.parse is None:
                parsed.values[col.key] = cell
            else:
                try:
                    parsed.values[col.key] = col.parse(cell)
                except CellError as exc:
                    parsed.values[col.key] = col.default
                    for shown, reason in exc.problems:
                        if shown is None:
                            shown = col.shown(cell) if col.shown else cell
                        self.error(parsed, col.key, shown, reason)
        return parsed


# --- what the validators preload and the cells they read -----------------------------


def town_places(town: Place) -> tuple[dict[str, Place], dict[tuple[str, str], Place]]:
    """Villages of the town by name, and groups by (village path, group key)."""
    villages: dict[str, Place] = {}
    groups: dict[tuple[str, str], Place] = {}
    for place in Place.objects.filter(path__startswith=town.path, depth__gt=town.depth).filter(
        depth__lte=town.depth + 2
    ):
        if place.depth == town.depth + 1:
            villages[name_key(place.name)] = place
        else:
            groups[(place.path[: -Place.steplen], group_key(place.name))] = place
    return villages, groups


def masked_phone(value: str) -> str:
    return personal.mask_phone(value) if value else ""


def masked_id(value: str) -> str:
    return personal.mask_id_number(value) if value else ""


def phone(text: str) -> str:
    try:
        return personal.clean_phone(text)
    except ValidationError as exc:
        raise CellError(_("not a valid phone number")) from exc


# A column of phone numbers already clean (what `clean_phone` returns unchanged), one per line.
_CLEAN_PHONES = re.compile(r"(?:(?:1[3-9]\d{9}|0\d{2,3}\d{7,8})\n)*")


def phones(cells: list[str]) -> list[str] | None:
    """The cells themselves when every one is a clean phone number (one regular-expression
    pass over the column); None sends the column through `phone` cell by cell."""
    if not cells or _CLEAN_PHONES.fullmatch("\n".join(cells) + "\n"):
        return cells
    return None


def id_number(text: str) -> str:
    try:
        return personal.clean_id_number(text)
    except ValidationError as exc:
        raise CellError(
            _("not a valid resident ID number (wrong length, date or check digit)")
        ) from exc


def choice(
    words: Mapping[str, Any], reason: str, key: Callable[[str], str] = name_key
) -> Callable[[str], Any]:
    """A reader for one of a fixed set of words (a relation, a category, a post)."""

    def read(text: str) -> Any:
        value = words.get(key(text))
        if value is None:
            raise CellError(reason)
        return value

    return read


def lookup(found: Mapping[str, Any], reason: str) -> Callable[[str], Any]:
    """A reader for a name among rows the validator preloaded (villages, organisations)."""

    def read(text: str) -> Any:
        value = found.get(name_key(text))
        if value is None:
            raise CellError(reason)
        return value

    return read


class TagChecker:
    """Tags come from the configured list; unknown ones are errors naming the list."""

    def __init__(self) -> None:
        self.tags = {t.name: t for t in Tag.objects.all()}

    def allowed(self, target: str) -> list[str]:
        return [
            name for name, t in self.tags.items() if t.applies_to in (Tag.AppliesTo.BOTH, target)
        ]

    def reader(self, target: str) -> Callable[[str], list[str]]:
        allowed = self.allowed(target)
        reason = _("unknown tag; allowed tags: %(tags)s") % {"tags": "、".join(allowed) or "—"}

        def read(text: str) -> list[str]:
            names = [t for t in TAG_SPLIT.split(text) if t]
            unknown = [n for n in names if n not in allowed]
            if unknown:
                exc = CellError(reason, unknown[0])
                exc.problems += [(n, reason) for n in unknown[1:]]
                raise exc
            return list(dict.fromkeys(names))

        return read


# --- checks across rows ----------------------------------------------------------------


def once_per_file(parser: RowParser, parsed: Parsed, seen: dict[str, int]) -> None:
    """An ID number may appear on one row of the file only."""
    value = parsed["id_number"]
    if not value:
        return
    if value in seen:
        reason = _("the same ID number is also on row %(row)s") % {"row": seen[value]}
        parser.error(parsed, "id_number", masked_id(value), reason)
    else:
        seen[value] = parsed.row


def already_registered(
    parser: RowParser, seen: dict[str, int], queryset: models.QuerySet, reason: str
) -> None:
    """ID numbers of the file already held by a row of `queryset` (one query)."""
    if not seen:
        return
    hashes = {personal.lookup_hash(i): (i, r) for i, r in seen.items()}
    for h in queryset.filter(id_number_hash__in=list(hashes)).values_list(
        "id_number_hash", flat=True
    ):
        value, row = hashes[h]
        parser.add(row, "id_number", masked_id(value), reason)
