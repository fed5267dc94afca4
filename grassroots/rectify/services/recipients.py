"""Who is told about an item: its responsible person, leader and the unit's secretaries."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from grassroots.accounts.models import RoleAssignment
from grassroots.core.roles import Role
from grassroots.notify.services import notify
from grassroots.rectify.models import Item


def unit_secretaries(item: Item) -> list[int]:
    """Active secretaries anchored at the unit organisation or at the unit's place."""
    org = item.organization
    anchor = Q(organization_id=org.pk)
    if org.place_id:
        anchor |= Q(place_id=org.place_id)
    return sorted(
        set(
            RoleAssignment.objects.filter(anchor, role=Role.SECRETARY, active=True).values_list(
                "user_id", flat=True
            )
        )
    )


def doers(item: Item) -> list[int]:
    """The responsible person, or the unit's secretaries when the item names no user."""
    return [item.person_id] if item.person_id else unit_secretaries(item)


def warning_recipients(item: Item, level: str) -> list[int]:
    """green: the person (else the secretaries); yellow: + the leader; red: + the secretaries."""
    found = set(doers(item))
    if level in ("yellow", "red") and item.leader_id:
        found.add(item.leader_id)
    if level == "red":
        found.update(unit_secretaries(item))
    return sorted(found)


def send(
    item: Item, recipients: list[Any], *, message: Any, key: str | None = None, **params: Any
) -> int:
    return notify(
        recipients=recipients,
        message=message,
        params={"code": item.code, **params},
        key=key,
        obj=item,
        url=reverse("rectify:item", args=[item.pk]),
    )
