"""The month of a row, for the MonthFigures sources: `TruncMonth`, made cheap on PostgreSQL.

A rebuild groups every visit, case and duty of the last MONTHS months by (path, month). On
PostgreSQL, `date_trunc('month', visited_at AT TIME ZONE …)` converts and truncates each of a
province's 36 million visits; within the window the month is found instead by a binary
search among the month starts (`width_bucket`) and read from an array: the same value, and
about 40 % less time for that GROUP BY (BENCHMARKS, "The month of a row"). A value outside
the window (none, for the rows the sources select) and SQLite take `TruncMonth` itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import DateField, F, Func
from django.db.models.functions import TruncMonth


def month_starts(first: dt.datetime, last: dt.datetime) -> list[dt.datetime]:
    """The local month starts from `first` to `last` (both month starts), and the next."""
    starts = [first]
    while starts[-1] <= last:
        year, month = divmod(starts[-1].year * 12 + starts[-1].month, 12)
        starts.append(starts[-1].replace(year=year, month=month + 1))
    return starts


class MonthOf(Func):
    """`TruncMonth(field)` as a date; `starts`: the window's local month starts and the
    first instant after it (`month_starts`); dates for a date field."""

    output_field = DateField()

    def __init__(self, field: Any, starts: list[dt.datetime], *, is_date: bool = False) -> None:
        if len(starts) < 2:
            raise ValueError("MonthOf needs at least one month: its start and the next")
        self.starts = starts
        self.is_date = is_date
        value = F(field) if isinstance(field, str) else field
        super().__init__(TruncMonth(value, output_field=DateField()), value)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        trunc, trunc_params = compiler.compile(self.source_expressions[0])
        value, value_params = compiler.compile(self.source_expressions[1])
        kind = "date" if self.is_date else "timestamptz"
        bounds = [
            s.date() if isinstance(s, dt.datetime) and self.is_date else s for s in self.starts
        ]
        months = [s.date() if isinstance(s, dt.datetime) else s for s in self.starts[:-1]]
        sql = (
            f"CASE WHEN {value} >= %s AND {value} < %s "
            f"THEN (%s::date[])[width_bucket({value}, %s::{kind}[])] ELSE CAST({trunc} AS date) END"
        )
        params = [
            *value_params,
            bounds[0],
            *value_params,
            bounds[-1],
            months,
            *value_params,
            bounds,
            *trunc_params,
        ]
        return sql, params
