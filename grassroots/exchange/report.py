"""What an import found: every bad cell, or what was (or would be) written."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class RowError:
    """One problem, located the way the user sees the spreadsheet (header = row 1)."""

    sheet: str
    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportReport:
    kind: str
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    written: bool = False
    # Seconds per phase (read, clean, validate, write, commit): what the benchmark profiles.
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, sheet: str, row: int, column: str, value: Any, reason: str) -> None:
        self.errors.append(
            RowError(sheet, row, column, "" if value is None else str(value), reason)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "dry_run": self.dry_run,
            "written": self.written,
            "counts": self.counts,
            "errors": [asdict(e) for e in self.errors],
        }
