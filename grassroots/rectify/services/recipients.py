"""Who is told about an item: its responsible person, leader and the unit's secretaries."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from grassroots.accounts.models import RoleAssignment
from grassroots.core.roles import CAPABILITIES, Cap, Role
from grassroots.grid.models import Place
from grassroots.notify.services import notify
from grassroots.party.models import Organization
from grassroots.rectify.models import Item

REVIEWER_ROLES = tuple(r for r, caps in CAPABILITIES.items() if Cap.REVIEW_RECTIFICATION in caps)


def _prefixes(path: str, step: int) -> list[str]:
    """The path and its ancestors' paths (treebeard: `step` characters a level)."""
    return [path[:i] for i in range(step, len(path) + 1, step)]


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


def reviewers(item: Item) -> list[int]:
    """Who may sign the item off: active holders of a reviewing role (organisation officer,
    inspector) anchored at the unit or above it, in the Party tree or at its place."""
    org = item.organization
    anchor = Q(organization__path__in=_prefixes(org.path, Organization.steplen))
    if org.place_path:
        anchor |= Q(place__path__in=_prefixes(org.place_path, Place.steplen))
    return sorted(
        set(
            RoleAssignment.objects.filter(anchor, role__in=REVIEWER_ROLES, active=True).values_list(
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
