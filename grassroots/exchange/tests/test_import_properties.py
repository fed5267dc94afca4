"""The import normaliser and validators over any cell text (Hypothesis).

Any text in any column gives either a clean value (no control character, within
the column's length) or an error naming the row and the column: never an exception.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grassroots.core.scoping import scope_for
from grassroots.exchange import importers, readers
from grassroots.exchange.parsing import CONTROL
from grassroots.exchange.report import ImportReport
from grassroots.testing import Town

# Text that looks like what spreadsheets hold, plus anything at all.
WORDS = ["明月村", "一组", "二组", "A-001", "孙一", "户主", "儿子", "党支部", "两新", "正式"]
WORDS += ["13811112222", "110101199003077352", "2001-07-01", "独居老人", "男", "书记", "3"]
CELLS = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=60),
    st.text(alphabet=st.characters(max_codepoint=0xA0), max_size=30),
    st.text(min_size=195, max_size=260),
)
DB = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@settings(max_examples=300)
@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(),
        st.dates(),
        st.datetimes(),
        st.timedeltas(),
    )
)
def test_cell_text_turns_any_cell_value_into_trimmed_text(value: Any) -> None:
    text = readers.cell_text(value)
    assert isinstance(text, str) and text == text.strip()


def sheet(name: str, columns: dict[str, Any], cells: list[str]) -> readers.Sheet:
    keys = list(columns)
    return readers.Sheet(name=name, rows=[(2, dict(zip(keys, cells, strict=False)))])


def labels(columns: dict[str, tuple[str, tuple[str, ...]]]) -> set[str]:
    return {label for label, _variants in columns.values()}


def clean(value: Any) -> bool:
    """A value the database stores as it is: its text parts hold no control character."""
    if isinstance(value, str):
        return CONTROL.search(value) is None and len(value) <= 200
    if isinstance(value, list | tuple):
        return all(clean(v) for v in value)
    return True


def check(report: ImportReport, columns: dict[str, Any], rows: list[Any]) -> None:
    for error in report.errors:
        assert error.row == 2 and error.column in labels(columns), error
        assert error.reason and CONTROL.search(error.value) is None
    if not report.errors:
        for row in rows:
            assert all(clean(v) for v in vars(row).values()), row


@pytest.mark.django_db
@DB
@given(st.lists(CELLS, min_size=10, max_size=10), st.lists(CELLS, min_size=6, max_size=6))
def test_any_household_and_resident_cells_give_clean_rows_or_located_errors(
    town: Town, households: list[str], residents: list[str]
) -> None:
    report = ImportReport(kind="households")
    plan = importers.validate_households(
        scope=scope_for(town.alice),
        town=town.town,
        households=sheet("户", readers.HOUSEHOLD_COLUMNS, households),
        residents=None,
        report=report,
    )
    check(report, readers.HOUSEHOLD_COLUMNS, plan.rows)
    report = ImportReport(kind="households")
    plan = importers.validate_households(
        scope=scope_for(town.alice),
        town=town.town,
        households=None,
        residents=sheet("居民", readers.RESIDENT_COLUMNS, residents),
        report=report,
    )
    check(report, readers.RESIDENT_COLUMNS, [p for _c, p in plan.extra_residents])


@pytest.mark.django_db
@DB
@given(st.lists(CELLS, min_size=5, max_size=5), st.lists(CELLS, min_size=8, max_size=8))
def test_any_organisation_and_member_cells_give_clean_rows_or_located_errors(
    town: Town, organizations: list[str], members: list[str]
) -> None:
    report = ImportReport(kind="organizations")
    plan = importers.validate_organizations(
        scope=scope_for(town.alice),
        town=town.town,
        organizations=sheet("组织", readers.ORGANIZATION_COLUMNS, organizations),
        members=None,
        report=report,
    )
    check(report, readers.ORGANIZATION_COLUMNS, plan.organizations)
    report = ImportReport(kind="organizations")
    plan = importers.validate_organizations(
        scope=scope_for(town.alice),
        town=town.town,
        organizations=None,
        members=sheet("党员", readers.MEMBER_COLUMNS, members),
        report=report,
    )
    check(report, readers.MEMBER_COLUMNS, plan.members)
    for member in plan.members:
        assert member.joined_on is None or isinstance(member.joined_on, dt.date)
