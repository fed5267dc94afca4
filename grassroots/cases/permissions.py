"""Who reaches which case, and in which part.

The general Scope mixes every role's anchors into one set of paths; for cases
that is too wide (a handler anchored at the town office must not read every case
of the town), so the case reach is computed from the role rows themselves:

- dispatchers (town administrator, village secretary) reach every case under
  their anchor and may accept, assign and supervise it;
- inspectors reach the cases under their anchor, read-only;
- handlers reach the cases assigned to them, or to the unit they are anchored at;
- representatives reach the cases they filed, those of their households, and the
  cases of their village filed without a household (a road, a ditch: anyone's),
  which they may call back;
- units summoned by the town's whistle reach that case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from grassroots.core.roles import Role
from grassroots.core.scoping import minimal_prefixes, prefix_q, scope_for

DISPATCH_ROLES = (Role.TOWN_ADMIN, Role.SECRETARY)
READ_ROLES = (Role.INSPECTOR,)


@dataclass(frozen=True)
class CaseReach:
    user_id: int | None
    everything: bool = False
    dispatch_paths: tuple[str, ...] = ()
    read_paths: tuple[str, ...] = ()
    town_paths: tuple[str, ...] = ()
    handler_place_ids: tuple[int, ...] = ()
    handler_place_paths: tuple[str, ...] = ()
    representative_ids: tuple[int, ...] = ()
    representative_paths: tuple[str, ...] = ()

    def case_q(self, prefix: str = "") -> Q:
        """Filter for Case (prefix "") or a model pointing at one (prefix "case__")."""
        if self.everything:
            return Q()
        if self.user_id is None:
            return Q(pk__in=[])
        q = prefix_q(f"{prefix}place_path", self.dispatch_paths + self.read_paths)
        q |= Q(**{f"{prefix}handler_id": self.user_id})
        if self.handler_place_ids:
            q |= Q(**{f"{prefix}handler_place_id__in": self.handler_place_ids})
        if self.representative_ids:
            q |= Q(**{f"{prefix}reporter_representative_id__in": self.representative_ids})
            q |= Q(**{f"{prefix}household__representative_id__in": self.representative_ids})
            q |= prefix_q(f"{prefix}place_path", self.representative_paths) & Q(
                **{f"{prefix}household__isnull": True}
            )
        from grassroots.cases.models import CaseSummons

        q |= Q(
            **{
                f"{prefix}pk__in": CaseSummons.objects.filter(user_id=self.user_id).values(
                    "case_id"
                )
            }
        )
        return q

    def dispatches(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.dispatch_paths)

    def is_town_for(self, town_path: str) -> bool:
        return self.everything or any(town_path.startswith(p) for p in self.town_paths)


def reach_for(user: Any) -> CaseReach:
    """Computed once per user object (per request), like the general scope."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return CaseReach(user_id=None)
    cached = getattr(user, "_grassroots_case_reach", None)
    if cached is not None:
        return cached
    scope = scope_for(user)
    if scope.everything:
        reach = CaseReach(user_id=user.pk, everything=True)
    else:
        from grassroots.accounts.models import RoleAssignment

        dispatch: list[str] = []
        read: list[str] = []
        town: list[str] = []
        handler_ids: list[int] = []
        handler_paths: list[str] = []
        rows = RoleAssignment.objects.filter(user=user, active=True).select_related(
            "place", "organization"
        )
        for ra in rows:
            path = ra.place.path if ra.place else (ra.organization.place_path or "")
            if not path:
                continue
            if ra.role in DISPATCH_ROLES:
                dispatch.append(path)
                if ra.role == Role.TOWN_ADMIN:
                    town.append(path)
            elif ra.role in READ_ROLES:
                read.append(path)
            elif ra.role == Role.HANDLER and ra.place_id:
                handler_ids.append(ra.place_id)
                handler_paths.append(path)
        reach = CaseReach(
            user_id=user.pk,
            dispatch_paths=minimal_prefixes(dispatch),
            read_paths=minimal_prefixes(read),
            town_paths=minimal_prefixes(town),
            handler_place_ids=tuple(handler_ids),
            handler_place_paths=tuple(handler_paths),
            representative_ids=scope.representative_ids,
            representative_paths=_representative_paths(scope.representative_ids),
        )
    user._grassroots_case_reach = reach
    return reach


def _representative_paths(ids: tuple[int, ...]) -> tuple[str, ...]:
    if not ids:
        return ()
    from grassroots.grid.models import Representative

    return minimal_prefixes(
        Representative.objects.filter(pk__in=ids, active=True).values_list("place_path", flat=True)
    )


def forget(user: Any) -> None:
    if hasattr(user, "_grassroots_case_reach"):
        del user._grassroots_case_reach


def is_handler(user: Any, case: Any) -> bool:
    reach = reach_for(user)
    if reach.user_id is None:
        return False
    if case.handler_id is not None:
        return case.handler_id == reach.user_id
    if case.handler_place_id is None:
        return False
    if case.handler_place_id in reach.handler_place_ids:
        return True
    # A case handed to a village as a unit is handled by its secretary.
    return case.handler_place.path in reach.dispatch_paths


def is_dispatcher(user: Any, case: Any) -> bool:
    return reach_for(user).dispatches(case.owner_place.path)


def is_town(user: Any, case: Any) -> bool:
    return reach_for(user).is_town_for(case.town.path)


def is_representative_of(user: Any, case: Any) -> bool:
    ids = reach_for(user).representative_ids
    if not ids:
        return False
    if case.reporter_representative_id in ids:
        return True
    if case.household_id is None:
        return any(case.place_path.startswith(p) for p in reach_for(user).representative_paths)
    return case.household.representative_id in ids


def can_call_back(user: Any, case: Any) -> bool:
    # Never the handler: the call-back checks the handler's work.
    if is_handler(user, case):
        return False
    return is_representative_of(user, case) or is_town(user, case) or is_dispatcher(user, case)


__all__ = ["CaseReach", "reach_for", "minimal_prefixes"]
