"""Quarter keys of disclosure items: `2026Q3`, sortable as text."""

from __future__ import annotations

import datetime as dt
import re

QUARTER = re.compile(r"^(20\d\d)Q([1-4])$")  # validates a short key, not HTML


def valid_quarter(key: str) -> bool:
    return bool(QUARTER.match(key or ""))


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def previous_quarter(day: dt.date) -> str:
    """The last complete quarter before `day` (the demo's disclosure period)."""
    year, q = day.year, (day.month - 1) // 3 + 1
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


def label(key: str) -> str:
    """`2026Q3` → `2026年第3季度` is left to the template; here the key as shown in filters."""
    found = QUARTER.match(key or "")
    return f"{found.group(1)} Q{found.group(2)}" if found else key
