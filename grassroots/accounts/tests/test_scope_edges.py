"""Scope edges (accounts/scope.py and core/scoping.py are held at 100% coverage)."""

from __future__ import annotations

import pytest

from grassroots.accounts import services as account_services
from grassroots.core.roles import Role
from grassroots.core.scoping import Unscoped, forget_scope, scope_for, unscoped
from grassroots.grid.models import Place
from grassroots.party import services as party
from grassroots.party.models import Organization
from grassroots.testing import Town, make_user

pytestmark = pytest.mark.django_db


def test_a_secretary_of_a_branch_reaches_the_place_the_branch_sits_in(town: Town) -> None:
    user = make_user("branch.secretary")
    account_services.role_grant(
        actor=town.root, user=user, role=Role.SECRETARY, organization=town.branch_a
    )
    scope = scope_for(user)
    assert scope.covers_org_path(town.branch_a.path)
    assert scope.covers_place_path(town.household_a1.place.path)
    assert not scope.covers_place_path(town.village_b.path)


def test_forgetting_a_scope_recomputes_it(town: Town) -> None:
    first = scope_for(town.sam)
    assert scope_for(town.sam) is first  # computed once per user object
    forget_scope(town.sam)
    assert scope_for(town.sam) is not first
    forget_scope(town.oscar)  # nothing cached: nothing to forget


def test_a_secretary_of_a_branch_with_no_place_reaches_the_branch_and_no_case(
    town: Town,
) -> None:
    # A branch of an enterprise (两新) may sit in no village: its secretary dispatches no case.
    firm = party.organization_create(
        actor=town.root,
        parent=town.committee,
        kind=Organization.Kind.BRANCH,
        name="某公司党支部",
        org_type=Organization.OrgType.TWO_NEW,
    )
    user = make_user("firm.secretary")
    account_services.role_grant(actor=town.root, user=user, role=Role.SECRETARY, organization=firm)
    scope = scope_for(user)
    assert scope.covers_org_path(firm.path)
    assert scope.place_paths == ()
    assert scope.dispatch_paths == ()


def test_unscoped_reads_must_name_their_reason() -> None:
    with pytest.raises(TypeError, match="reason"):
        unscoped(Place, why="public")  # type: ignore[arg-type]
    assert unscoped(Place, why=Unscoped.PUBLIC).model is Place
