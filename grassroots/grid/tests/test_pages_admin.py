"""The back office: scoped, read-only domain records; audited reference tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from grassroots.accounts.models import RoleAssignment, User
from grassroots.core import calendar
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent, CalendarDay
from grassroots.grid.models import Tag
from grassroots.testing import Town

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]


@pytest.fixture
def client_for(town: Town) -> ClientFor:
    """Logged-in clients; force_login because axes refuses Client.login()."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make


def test_town_admin_sees_all_households_read_only(client_for: ClientFor) -> None:
    response = client_for("alice").get(reverse("admin:grid_household_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 4
    assert not response.context["has_add_permission"]


def test_secretary_sees_only_her_village_in_the_admin(client_for: ClientFor, town: Town) -> None:
    sam = client_for("sam")
    response = sam.get(reverse("admin:grid_household_changelist"))
    assert sorted(h.code for h in response.context["cl"].result_list) == ["A-001", "A-002"]
    other = sam.get(reverse("admin:grid_household_change", args=[town.household_b1.pk]))
    # The admin answers a missing object with a redirect to its index, never the data.
    assert other.status_code == 302 and "赵铁柱" not in other.content.decode()


def test_domain_records_cannot_be_written_in_the_admin(client_for: ClientFor, town: Town) -> None:
    alice = client_for("alice")
    assert alice.get(reverse("admin:grid_household_add")).status_code == 403
    url = reverse("admin:grid_household_change", args=[town.household_a1.pk])
    alice.post(url, {"head_name": "改名"})
    town.household_a1.refresh_from_db()
    assert town.household_a1.head_name == "王大明"
    assert (
        alice.post(reverse("admin:party_member_delete", args=[town.member_a.pk])).status_code == 403
    )


def test_outsider_and_representative_have_no_back_office(client_for: ClientFor) -> None:
    for username in ("oscar", "rita"):
        response = client_for(username).get(reverse("admin:grid_household_changelist"))
        assert response.status_code == 302  # to the admin login: not staff


def test_town_admin_edits_a_calendar_day_and_deadlines_follow(client_for: ClientFor) -> None:
    day = dt.date(2027, 3, 1)  # a Monday
    assert calendar.is_workday(day)
    response = client_for("alice").post(
        reverse("admin:core_calendarday_add"),
        {"date": day.isoformat(), "name": "临时休假", "source": "admin"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarDay.objects.get(date=day).is_workday is False
    assert not calendar.is_workday(day)
    assert AuditEvent.objects.filter(
        action=Action.ADMIN_ADDED, object_type="core.calendarday"
    ).exists()


def test_secretary_cannot_edit_the_calendar_or_tags(client_for: ClientFor) -> None:
    sam = client_for("sam")
    assert sam.get(reverse("admin:core_calendarday_add")).status_code == 403
    assert (
        sam.post(reverse("admin:grid_tag_add"), {"name": "x", "applies_to": "both"}).status_code
        == 403
    )
    assert not Tag.objects.filter(name="x").exists()


def test_role_granted_in_the_admin_goes_through_the_service(
    client_for: ClientFor, town: Town
) -> None:
    from grassroots.testing import make_user

    # A town administrator manages the accounts of their town (decision 0019): an account
    # that belongs to no town of theirs is missing for them, in the back office as anywhere.
    stranger = make_user("stranger")
    response = client_for("alice").post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": stranger.pk, "role": "secretary", "place": town.village_b.pk, "organization": ""},
    )
    assert response.status_code == 404
    assert not RoleAssignment.objects.filter(user=stranger).exists()
    newbie = make_user("newbie", town=town.town)
    response = client_for("alice").post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": newbie.pk, "role": "secretary", "place": town.village_b.pk, "organization": ""},
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.get(user=newbie).place == town.village_b
    assert AuditEvent.objects.filter(action=Action.ACCOUNTS_ROLE_GRANTED, actor=town.alice).exists()
    newbie.refresh_from_db()
    assert newbie.is_staff


def test_audit_log_is_for_superusers_and_auditors_only(client_for: ClientFor) -> None:
    url = reverse("admin:core_auditevent_changelist")
    assert client_for("alice").get(url).status_code == 200
    assert client_for("root").get(url).status_code == 200
    assert client_for("sam").get(url).status_code == 403


def test_admin_speaks_chinese_by_default(client_for: ClientFor) -> None:
    with translation.override("zh-hans"):
        html = client_for("alice").get(reverse("admin:index")).content.decode()
    assert "户" in html and "Households" not in html
