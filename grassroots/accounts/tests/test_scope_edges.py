"""Scope edges (accounts/scope.py and core/scoping.py are held at 100% coverage)."""

from __future__ import annotations

import pytest

from grassroots.accounts import services as account_services
from grassroots.core.roles import Role
from grassroots.core.scoping import forget_scope, scope_for
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
