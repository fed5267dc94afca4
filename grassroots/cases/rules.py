"""Who acts on a case, as functions over the caller's `Scope` and the case alone.

Which cases a user reaches is `Case.scope_filter` (models.py); these say in
which part they act there:

- dispatchers (town administrator, village secretary) accept, assign and
  supervise the cases of the levels under their anchor;
- the town (its administrator) supervises, whistles and reads the measures;
- handlers work on the cases assigned to them or to their unit;
- representatives call back the cases they filed, those of their households,
  and the household-less cases of their village.

`add_held_households` is the cases app's part of every Scope (registered from
`CasesConfig.ready()`): a handler also reaches the households of their cases.
"""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Q

from grassroots.cases.models import Case, held_q
from grassroots.core.roles import Role
from grassroots.core.scoping import Scope


def is_handler(scope: Scope, case: Case) -> bool:
    if scope.user_id is None:
        return False
    if case.handler_id is not None:
        return case.handler_id == scope.user_id
    if case.handler_place_id is None:
        return False
    if case.handler_place_id in scope.handler_place_ids:
        return True
    # A case handed to a village as a unit is handled by its secretary.
    return case.handler_place.path in scope.dispatch_paths


def is_dispatcher(scope: Scope, case: Case) -> bool:
    path = case.owner_place.path
    return scope.everything or any(path.startswith(p) for p in scope.dispatch_paths)


def is_town(scope: Scope, case: Case) -> bool:
    path = case.town.path
    return scope.everything or any(path.startswith(p) for p in scope.town_paths)


def is_representative_of(scope: Scope, case: Case) -> bool:
    ids = scope.representative_ids
    if not ids:
        return False
    if case.reporter_representative_id in ids:
        return True
    if case.household_id is None:
        return any(case.place_path.startswith(p) for p in scope.representative_paths)
    return case.household.representative_id in ids


def can_call_back(scope: Scope, case: Case) -> bool:
    # Never the handler: the call-back checks the handler's work.
    if is_handler(scope, case):
        return False
    return is_representative_of(scope, case) or is_town(scope, case) or is_dispatcher(scope, case)


def sees_board(scope: Scope) -> bool:
    """The supervision board is for those who dispatch or inspect."""
    return bool(scope.everything or scope.dispatch_paths or scope.read_paths)


def reads_measures(scope: Scope) -> bool:
    return bool(scope.everything or scope.town_paths)


def mine_q(scope: Scope) -> Q:
    """Cases assigned to the user, or to their unit when no person is named."""
    q = Q(handler_id=scope.user_id) if scope.user_id is not None else Q(pk__in=[])
    if scope.handler_place_ids:
        q |= Q(handler__isnull=True, handler_place_id__in=scope.handler_place_ids)
    return q


def add_held_households(scope: Scope) -> Scope:
    """A handler reaches the households of the cases they hold, and nothing more there."""
    if scope.everything or Role.HANDLER not in scope.roles:
        return scope
    held = Case.objects.filter(held_q(scope), household__isnull=False).values("household_id")
    return replace(scope, held_household_ids=held)
