"""Users, role assignments and API tokens."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from grassroots.accounts.models import RoleAssignment, User
from grassroots.core import audit
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.roles import Role
from grassroots.core.scoping import forget_scope, scope_for


def _can_manage(actor: Actor) -> bool:
    return actor is None or scope_for(actor).everything or Role.TOWN_ADMIN in scope_for(actor).roles


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    display_name: str = "",
    is_superuser: bool = False,
) -> User:
    """Create a login. `actor=None` is the system (demo loader, CLI)."""
    if not _can_manage(actor):
        raise ValidationError(_("Only a town administrator can create users."))
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("User %(name)s already exists") % {"name": username})
    user = User.objects.create_user(
        username=username,
        password=password,
        display_name=display_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    audit.record(
        actor=actor, action=Action.ACCOUNTS_USER_CREATED, obj=user, data={"username": username}
    )
    return user


@transaction.atomic
def role_grant(
    *, actor: Actor, user: User, role: str, place: Any = None, organization: Any = None
) -> RoleAssignment:
    if not _can_manage(actor):
        raise ValidationError(_("Only a town administrator can grant roles."))
    if actor is not None and not scope_for(actor).everything:
        anchor_path = place.path if place is not None else getattr(organization, "path", "")
        covered = (place is not None and scope_for(actor).covers_place_path(anchor_path)) or (
            organization is not None and scope_for(actor).covers_org_path(anchor_path)
        )
        if not covered:
            raise ValidationError(_("You can only grant roles inside your own area."))
    ra = RoleAssignment(user=user, role=role, place=place, organization=organization)
    ra.full_clean(exclude=["user"])
    ra.save()
    if (
        role in (Role.TOWN_ADMIN, Role.ORG_OFFICER, Role.SECRETARY, Role.INSPECTOR)
        and not user.is_staff
    ):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_scope(user)
    audit.record(actor=actor, action=Action.ACCOUNTS_ROLE_GRANTED, obj=user, data={"role": role})
    return ra


@transaction.atomic
def token_issue(*, actor: Actor, user: User) -> Token:
    """The user's API token; a newly created one is audited (tokens are credentials)."""
    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit.record(actor=actor, action=Action.ACCOUNTS_TOKEN_CREATED, obj=user)
    return token
