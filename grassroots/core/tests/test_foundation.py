from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from grassroots.core import calendar, clock, personal
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent, CalendarDay
from grassroots.core.scoping import get_visible_or_404, minimal_prefixes
from grassroots.core.services import reveal
from grassroots.grid.models import Household
from grassroots.testing import ID_A, Town


def test_minimal_prefixes_drops_nested_paths() -> None:
    assert minimal_prefixes(["00010002", "0001", "00020001", ""]) == ("0001", "00020001")


def test_masks() -> None:
    assert personal.mask_phone("13812345678") == "138****5678"
    assert personal.mask_id_number("430121199001011237") == "430121********1237"
    assert personal.normalize(" １３８ 1234-5678 ") == "13812345678"


@pytest.mark.django_db
def test_personal_data_is_unreadable_in_the_database(town: Town) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_masked FROM grid_household WHERE code = 'A-001'")
        raw, masked = cursor.fetchone()
        cursor.execute("SELECT id_number FROM grid_resident")
        ids = [row[0] for row in cursor.fetchall()]
    assert "13812345678" not in raw and raw.startswith(personal.PREFIX)
    assert masked == "138****5678"
    assert all(ID_A not in value for value in ids)
    assert personal.decrypt(raw) == "13812345678"


@pytest.mark.django_db
def test_reveal_is_audited_and_needs_a_reason(town: Town) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        reveal(actor=town.sam, obj=town.household_a1, field="phone", reason="")
    value = reveal(actor=town.sam, obj=town.household_a1, field="phone", reason="上门核实")
    assert value == "13812345678"
    event = AuditEvent.objects.get(action=Action.PERSONAL_REVEALED)
    assert (
        event.actor == town.sam and event.reason == "上门核实" and event.data == {"field": "phone"}
    )


@pytest.mark.django_db
def test_reveal_outside_scope_is_404(town: Town) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        reveal(actor=town.sam, obj=town.household_b1, field="phone", reason="好奇")
    assert not AuditEvent.objects.filter(action=Action.PERSONAL_REVEALED).exists()


@pytest.mark.django_db
def test_secretary_sees_only_her_village(town: Town) -> None:
    codes = set(Household.objects.visible_to(town.sam).values_list("code", flat=True))
    assert codes == {"A-001", "A-002"}


@pytest.mark.django_db
def test_representative_sees_only_linked_households(town: Town) -> None:
    codes = set(Household.objects.visible_to(town.rita).values_list("code", flat=True))
    assert codes == {"B-001"}


@pytest.mark.django_db
def test_outsider_sees_nothing(town: Town) -> None:
    from django.http import Http404

    assert not Household.objects.visible_to(town.oscar).exists()
    with pytest.raises(Http404):
        get_visible_or_404(Household, town.oscar, pk=town.household_a1.pk)


@pytest.mark.django_db
def test_audit_events_are_append_only(town: Town) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


@pytest.mark.django_db
def test_working_days_skip_holidays_and_count_adjusted_weekends() -> None:
    # 2026 National Day holiday: Oct 1–7 off; Sat Oct 10 is an adjusted working day.
    assert not calendar.is_workday(dt.date(2026, 10, 1))
    assert calendar.is_workday(dt.date(2026, 10, 10))
    assert calendar.add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    # Spring Festival 2026: Sat Feb 14 is worked.
    assert calendar.add_working_days(dt.date(2026, 2, 13), 1) == dt.date(2026, 2, 14)
    # Beyond the seeded years: plain Mon–Fri.
    assert calendar.add_working_days(dt.date(2031, 1, 3), 1) == dt.date(2031, 1, 6)
    assert calendar.add_working_days(dt.date(2031, 1, 4), 0) == dt.date(2031, 1, 6)


@pytest.mark.django_db
def test_admin_edits_to_the_calendar_take_effect() -> None:
    day = dt.date(2031, 1, 6)  # a Monday
    CalendarDay.objects.create(date=day, is_workday=False, name="test holiday")
    calendar.invalidate()
    assert calendar.add_working_days(dt.date(2031, 1, 3), 1) == dt.date(2031, 1, 7)
    calendar.invalidate()


def test_clock_can_be_frozen_and_advanced() -> None:
    moment = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with clock.frozen(moment):
        assert clock.now() == moment
        clock.advance(dt.timedelta(days=1))
        assert clock.now() == moment + dt.timedelta(days=1)
    assert clock.now() != moment


@pytest.mark.django_db
def test_seeing_an_ancestor_does_not_allow_writing_under_it(town: Town) -> None:
    from django.http import Http404

    from grassroots.grid.services import place_create
    from grassroots.party.services import member_create, organization_create

    with pytest.raises(Http404):
        place_create(actor=town.sam, parent=town.town, kind="village", name="越权村")
    with pytest.raises(Http404):
        organization_create(actor=town.sam, parent=town.committee, kind="branch", name="越权支部")
    with pytest.raises(Http404):
        member_create(actor=town.sam, organization=town.committee, name="越权党员")
    group = place_create(actor=town.sam, parent=town.village_a, kind="group", name="三组")
    assert group.path.startswith(town.village_a.path)
