"""Properties over many generated inputs (Hypothesis): ID numbers and working days.

Kept small (`max_examples`) so the suite stays fast; `deadline=None` where the
database is read (the calendar), whose first query per year is slower.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from grassroots.core import calendar, personal

REGIONS = ["110101", "310101", "440305", "510104", "330106", "420102", "610113", "230102"]
DB_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    """A valid resident ID number: a real county, a birth date, any sequence, its check digit."""
    region = draw(st.sampled_from(REGIONS))
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 12, 31)))
    body = f"{region}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    number = body + ric.calc_check_digit(body + "0")
    assume(ric.is_valid(number))  # a county code is valid only for the years it existed
    return number


@settings(max_examples=200)
@given(id_numbers())
def test_every_valid_id_number_is_accepted_as_written_or_spaced_or_lower_case(number: str) -> None:
    assert personal.clean_id_number(number) == number
    spaced = f" {number[:6]} {number[6:14]}-{number[14:].lower()} "
    assert personal.clean_id_number(spaced) == number


@settings(max_examples=200)
@given(id_numbers(), st.integers(0, 17), st.integers(1, 10))
def test_any_single_character_change_of_an_id_number_is_refused(
    number: str, position: int, shift: int
) -> None:
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = alphabet.index(number[position])
    changed = alphabet[(old + shift) % len(alphabet)]
    if changed == number[position]:
        return  # a shift of a whole turn on the ten digits: nothing changed
    wrong = number[:position] + changed + number[position + 1 :]
    with pytest.raises(ValidationError):
        personal.clean_id_number(wrong)


@settings(max_examples=200)
@given(st.text(max_size=40))
def test_any_text_is_either_a_valid_id_number_or_refused(text: str) -> None:
    try:
        cleaned = personal.clean_id_number(text)
    except ValidationError:
        return
    assert cleaned == "" or ric.is_valid(cleaned)


DATES = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


@pytest.mark.django_db
@DB_SETTINGS
@given(DATES, st.integers(0, 60))
def test_adding_working_days_is_undone_by_counting_them(start: dt.date, days: int) -> None:
    end = calendar.add_working_days(start, days)
    assert calendar.is_workday(end) and end >= start
    if days:
        assert calendar.working_days_between(start, end) == days
        # the day before the result still lacks one working day
        assert calendar.working_days_between(start, end - dt.timedelta(days=1)) == days - 1


@pytest.mark.django_db
@DB_SETTINGS
@given(DATES, st.integers(0, 40), st.integers(0, 40))
def test_adding_working_days_is_monotonic_in_the_count(start: dt.date, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert calendar.add_working_days(start, low) <= calendar.add_working_days(start, high)


@pytest.mark.django_db
@DB_SETTINGS
@given(DATES, DATES, st.integers(1, 30))
def test_adding_working_days_is_monotonic_in_the_start(a: dt.date, b: dt.date, days: int) -> None:
    early, late = sorted((a, b))
    assert calendar.add_working_days(early, days) <= calendar.add_working_days(late, days)


@pytest.mark.django_db
@DB_SETTINGS
@given(DATES, DATES)
def test_counting_working_days_is_antisymmetric_and_additive(a: dt.date, b: dt.date) -> None:
    between = calendar.working_days_between(a, b)
    assert between == -calendar.working_days_between(b, a)
    middle = a + (b - a) / 2
    assert between == calendar.working_days_between(a, middle) + calendar.working_days_between(
        middle, b
    )
