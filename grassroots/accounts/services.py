"""Users and role assignments."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.accounts.models import RoleAssignment, User
from grassroots.core import audit
from grassroots.core.roles import Role
from grassroots.core.scoping import forget_scope, scope_for


def _can_manage(actor: Any) -> bool:
    return actor is None or scope_for(actor).everything or Role.TOWN_ADMIN in scope_for(actor).roles


@transaction.atomic
def user_create(
    *, actor: Any, username: str, password: str, display_name: str = "", is_superuser: bool = False
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
    audit.record(actor=actor, action="accounts.user_created", obj=user, data={"username": username})
    return user


@transaction.atomic
def role_grant(
    *, actor: Any, user: User, role: str, place: Any = None, organization: Any = None
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
    audit.record(actor=actor, action="accounts.role_granted", obj=user, data={"role": role})
    return ra
