"""Case categories as town configuration; cases read-only and scoped."""

from __future__ import annotations

from django.urls import reverse

from grassroots.cases.models import Case, Category
from grassroots.cases.tests.helpers import file_case
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.testing import Town


def category_form(category: Category, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": category.name,
        "code": category.code,
        "parent": category.parent_id or "",
        "sort": category.sort,
        "active": "on" if category.active else "",
        "public": "on" if category.public else "",
        "keywords": category.keywords,
        "default_priority": category.default_priority,
    }
    for priority, (hours, days) in (category.limits or {}).items():
        data[f"{priority}_respond_hours"] = hours
        data[f"{priority}_resolve_days"] = days
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_town_administrator_sets_time_limits_and_the_edit_is_audited(
    town: Town, client_for
) -> None:
    category = Category.objects.get(code="roads-lights")
    url = reverse("admin:cases_category_change", args=[category.pk])
    alice = client_for("alice")
    assert alice.get(url).status_code == 200
    response = alice.post(
        url,
        category_form(
            category,
            urgent_respond_hours=12,
            urgent_resolve_days=2,
            public="",
            keywords="路灯,不亮,灯坏了",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    category.refresh_from_db()
    assert category.limits["urgent"] == [12, 2]
    assert category.limits_for("urgent") == (12, 2)
    assert category.public is False and category.keywords == "路灯,不亮,灯坏了"
    event = AuditEvent.objects.get(
        action=Action.ADMIN_CHANGED, object_type="cases.category", actor=town.alice
    )
    assert event.data["limits"]["urgent"] == [12, 2] and event.data["public"] is False


def test_half_a_time_limit_is_refused(town: Town, client_for) -> None:
    category = Category.objects.get(code="roads-lights")
    before = dict(category.limits)
    response = client_for("root").post(
        reverse("admin:cases_category_change", args=[category.pk]),
        category_form(category, emergency_respond_hours=1),
    )
    assert response.status_code == 200  # the form again, with the error
    category.refresh_from_db()
    assert category.limits == before
    assert not AuditEvent.objects.filter(
        action=Action.ADMIN_CHANGED, object_type="cases.category"
    ).exists()


def test_only_superusers_and_town_administrators_edit_categories(town: Town, client_for) -> None:
    category = Category.objects.get(code="roads-lights")
    url = reverse("admin:cases_category_change", args=[category.pk])
    assert client_for("root").get(url).status_code == 200
    sam = client_for("sam")
    assert sam.get(url).status_code == 403
    assert sam.post(url, category_form(category, name="改名")).status_code == 403
    assert client_for("oscar").get(url).status_code == 302  # not staff: the login page
    category.refresh_from_db()
    assert category.name != "改名"


def test_cases_in_the_admin_are_read_only_and_scoped(town: Town, client_for) -> None:
    mine = file_case(town)  # village A
    other = file_case(town, place=town.group_b1, text="二组路灯坏了很久")
    sam = client_for("sam")
    listing = sam.get(reverse("admin:cases_case_changelist"))
    assert listing.status_code == 200
    assert [c.pk for c in listing.context["cl"].result_list] == [mine.pk]
    assert not listing.context["has_add_permission"]
    detail = sam.get(reverse("admin:cases_case_change", args=[mine.pk]))
    assert detail.status_code == 200 and mine.code in detail.content.decode()
    # Out of scope: the admin answers as for a missing object, without the data.
    hidden = sam.get(reverse("admin:cases_case_change", args=[other.pk]))
    assert hidden.status_code == 302 and other.code not in hidden.content.decode()
    sam.post(reverse("admin:cases_case_change", args=[mine.pk]), {"text": "改掉"})
    assert Case.objects.get(pk=mine.pk).text == mine.text
    assert sam.get(reverse("admin:cases_case_add")).status_code == 403
    everything = client_for("alice").get(reverse("admin:cases_case_changelist"))
    assert everything.context["cl"].result_count == 2
