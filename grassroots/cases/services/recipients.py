"""Who is told about a case: the people at a level, the handler, and the notice itself."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.urls import reverse

from grassroots.accounts.models import RoleAssignment
from grassroots.accounts.scope import CASE_DISPATCH_ROLES
from grassroots.cases.models import Case
from grassroots.core.memo import Memo
from grassroots.core.roles import Role
from grassroots.grid.models import Place
from grassroots.notify.messages import Message
from grassroots.notify.services import notify

# ---------------------------------------------------------------- recipients


def users_at(place: Place | None, roles: Iterable[str]) -> list[int]:
    """Users holding one of `roles` anchored exactly at `place` (or at its organisation)."""
    if place is None:
        return []
    return list(
        RoleAssignment.objects.filter(active=True, role__in=list(roles))
        .filter(Q(place=place) | Q(organization__place=place))
        .values_list("user_id", flat=True)
        .distinct()
    )


# Who dispatches at each level, remembered briefly: read for every new case.
DISPATCHERS: Memo[int, tuple[int, ...]] = Memo("dispatchers", ttl=30.0)


def dispatchers_at(place: Place | None) -> list[int]:
    if place is None:
        return []
    return list(
        DISPATCHERS.get(place.pk, lambda _pk: tuple(users_at(place, CASE_DISPATCH_ROLES))) or ()
    )


def handler_recipients(case: Case) -> list[int]:
    if case.handler_id:
        return [case.handler_id]
    if case.handler_place_id:
        return users_at(case.handler_place, [Role.HANDLER, Role.SECRETARY])
    return dispatchers_at(case.owner_place)


def key_prefix(case: Case) -> str:
    # A reopened case starts a new round of warnings and escalations.
    return f"case:{case.pk}" if not case.reopen_count else f"case:{case.pk}:r{case.reopen_count}"


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def send(
    case: Case,
    recipients: Iterable[int | Any],
    *,
    message: Message,
    key: str | None,
    params: dict[str, Any] | None = None,
) -> int:
    """Tell `recipients` about `case` with one of cases.notices' messages."""
    return notify(
        recipients=recipients,
        message=message,
        params={"case": case.pk, "code": case.code, **(params or {})},
        body=case.text[:200],
        url=case_url(case),
        key=key,
        obj=case,
    )
