"""One access mechanism: the case parts of the Scope, a handler's reach, and who
may be handed a case (issue #8)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from grassroots.accounts import services as account_services
from grassroots.cases import rules, selectors, services, workflow
from grassroots.cases.models import Case, CaseEvent, Status
from grassroots.cases.tests.helpers import file_case
from grassroots.core import scoping
from grassroots.core.audit import Action
from grassroots.core.roles import Role
from grassroots.core.scoping import scope_for
from grassroots.grid.models import Household, Place, Resident
from grassroots.notify.models import Notice
from grassroots.notify.services import notify
from grassroots.testing import Town, make_user


def _ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content[:500]
    data = response.json()
    rows = data["results"] if isinstance(data, dict) else data
    return {row["id"] for row in rows}


def _assigned(town: Town, handler: Any, **kw: Any) -> Case:
    case = file_case(town, **kw)
    services.case_accept(actor=town.sam, case=case)
    services.case_assign(actor=town.sam, case=case, handler=handler)
    return case


def test_town_handler_lists_only_households_of_their_cases(
    town: Town, hank: Any, monday: Any, api_for: Any, client_for: Any
) -> None:
    api = api_for("hank")
    # Anchored at the town, yet nothing in reach before a case is handed over.
    assert _ids(api.get("/api/households/")) == set()
    assert _ids(api.get("/api/residents/")) == set()
    _assigned(town, hank, place=None, household=town.household_a1)
    file_case(town, household=town.household_b1)  # not theirs
    assert _ids(api.get("/api/households/")) == {town.household_a1.pk}
    residents = set(
        Resident.objects.filter(household=town.household_a1).values_list("pk", flat=True)
    )
    assert residents and _ids(api.get("/api/residents/")) == residents
    pages = client_for("hank")
    assert pages.get(reverse("grid:household", args=[town.household_a1.pk])).status_code == 200
    for other in (town.household_a2, town.household_b1, town.household_b2):
        assert pages.get(reverse("grid:household", args=[other.pk])).status_code == 404
    assert set(Household.objects.visible_to(hank)) == {town.household_a1}
    # The household's group comes with it (breadcrumbs, the place picker), not the town.
    assert set(Place.objects.visible_to(hank)) == {town.group_a1}
    assert scope_for(hank).place_paths == ()


def test_a_summoned_handler_reaches_that_case_and_its_household(
    town: Town, hank: Any, monday: Any
) -> None:
    case = file_case(town, place=None, household=town.household_b1)
    services.case_accept(actor=town.alice, case=case)
    services.case_whistle(actor=town.alice, case=case, users=[hank])
    assert list(Case.objects.visible_to(hank)) == [case]
    assert set(CaseEvent.objects.visible_to(hank).values_list("case_id", flat=True)) == {case.pk}
    assert set(Household.objects.visible_to(hank)) == {town.household_b1}


def test_a_handlers_unit_cases_are_theirs(town: Town, monday: Any) -> None:
    clerk = make_user("clerk")
    account_services.role_grant(
        actor=town.root, user=clerk, role=Role.HANDLER, place=town.village_b
    )
    case = file_case(town, place=town.group_b1)
    services.case_accept(actor=town.alice, case=case)
    services.case_assign(actor=town.alice, case=case, handler_place=town.village_b)
    scope = scope_for(clerk)
    assert scope.handler_place_ids == (town.village_b.pk,)
    assert rules.is_handler(scope, case) and not rules.is_dispatcher(scope, case)
    assert list(Case.objects.visible_to(clerk)) == [case]
    assert list(Case.objects.filter(rules.mine_q(scope))) == [case]


def _case_row(case: Case) -> tuple[Any, ...]:
    return tuple(
        Case.objects.filter(pk=case.pk).values_list(
            "status", "handler_id", "handler_place_id", "assign_round"
        )[0]
    )


@pytest.mark.parametrize("action", ["assign", "transfer"])
def test_secretary_cannot_hand_a_case_to_anyone_outside_the_eligible_handlers(
    town: Town, hank: Any, monday: Any, api_for: Any, action: str
) -> None:
    case = file_case(town)
    services.case_accept(actor=town.sam, case=case)
    if action == "transfer":
        services.case_assign(actor=town.sam, case=case, handler=hank)
    assert town.oscar not in selectors.eligible_handlers(case)
    assert town.rita not in selectors.eligible_handlers(case)
    assert set(selectors.eligible_handlers(case)) == {hank, town.sam}
    before, events = _case_row(case), CaseEvent.objects.filter(case=case).count()
    api = api_for("sam")
    url = f"/api/cases/{case.pk}/{action}/"
    for body in (
        {"handler": town.oscar.pk},  # an account with no role
        {"handler": town.rita.pk},  # a representative
        {"handler": 999999},  # nobody
        {"handler_place": town.group_a1.pk},  # a group, not a unit of the town
    ):
        response = api.post(url, body, format="json")
        assert 400 <= response.status_code < 500, (body, response.content[:300])
        assert _case_row(case) == before
        assert CaseEvent.objects.filter(case=case).count() == events
    assert (
        api.post(url, {"handler": hank.pk if action == "assign" else town.sam.pk}).status_code
        == 200
    )


def test_the_services_refuse_anyone_the_selectors_do_not_offer(
    town: Town, hank: Any, monday: Any
) -> None:
    case = file_case(town)
    services.case_accept(actor=town.sam, case=case)
    before = _case_row(case)
    with pytest.raises(ValidationError) as refused:
        services.case_assign(actor=town.sam, case=case, handler=town.oscar)
    assert "handler" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.case_assign(actor=town.sam, case=case, handler_place=town.group_a1)
    with pytest.raises(ValidationError):
        services.case_whistle(actor=town.alice, case=case, users=[town.rita])
    assert _case_row(case) == before
    services.case_assign(actor=town.sam, case=case, handler_place=town.village_a)
    assert Case.objects.get(pk=case.pk).status == Status.ASSIGNED


def test_every_timeline_kind_has_its_audit_action() -> None:
    for kind in workflow.EVENT_LABELS:
        assert workflow.audit_action(kind) == Action(f"case.{kind}")
    with pytest.raises(ValueError):
        workflow.audit_action("no_such_kind")


def test_notices_are_personal_even_for_superusers(town: Town) -> None:
    notify(recipients=[town.alice], kind="test", title="hello", body="", url="", key=None)
    assert Notice.objects.visible_to(town.alice).count() == 1
    assert Notice.objects.visible_to(town.root).count() == 0
    assert Notice.objects.visible_to(None).count() == 0


def test_scope_needs_a_provider(town: Town, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scoping, "_providers", [])
    scoping.forget_scope(town.sam)
    with pytest.raises(ImproperlyConfigured):
        scope_for(town.sam)
    scoping.forget_scope(town.sam)


def test_a_representative_calls_back_the_household_less_cases_of_their_village(
    town: Town, monday: Any
) -> None:
    road = file_case(town, place=town.group_b1)  # no household: anyone's road
    elsewhere = file_case(town, place=town.group_a1)
    theirs = file_case(town, place=None, household=town.household_b1)
    scope = scope_for(town.rita)
    assert scope.representative_paths == (town.village_b.path,)
    assert set(Case.objects.visible_to(town.rita)) == {road, theirs}
    assert rules.is_representative_of(scope, road) and rules.can_call_back(scope, road)
    assert rules.is_representative_of(scope, theirs)
    assert not rules.is_representative_of(scope, elsewhere)
    assert not rules.is_representative_of(scope_for(town.sam), road)
    nobody = scope_for(None)
    assert not rules.is_handler(nobody, road) and not rules.can_call_back(nobody, road)
    assert not Case.objects.visible_to(None).exists()
    assert not rules.sees_board(scope) and not rules.reads_measures(scope)
    assert rules.reads_measures(scope_for(town.alice)) and rules.sees_board(scope_for(town.sam))
    services.case_accept(actor=town.sam, case=elsewhere)
    services.case_assign(actor=town.sam, case=elsewhere, handler_place=town.village_a)
    # A case handed to a village as a unit is handled by its secretary.
    assert rules.is_handler(scope_for(town.sam), Case.objects.get(pk=elsewhere.pk))
    assert not rules.is_handler(scope_for(town.alice), Case.objects.get(pk=elsewhere.pk))
