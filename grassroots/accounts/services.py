"""Users, role assignments, passwords and API tokens.

A town administrator (`Cap.MANAGE_ACCOUNTS`) manages the accounts of their town
(`models.AccountQuerySet`): an account out of reach, or a superuser, is a 404. Roles are
granted only at places and Party organisations of the town, and never above the granter's
own rank (`core.roles.ROLE_RANK`). `actor=None` is the system (demo loader, CLI, tests).
"""

from __future__ import annotations

import secrets
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from grassroots.accounts.models import Account, RoleAssignment, User
from grassroots.core import audit, clock, personal
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.roles import GRANT_RANK, INSTALLATION_CAPS, ROLE_RANK, Cap, Role
from grassroots.core.scoping import forget_scope, scope_for
from grassroots.grid.models import Place, Representative
from grassroots.party.models import Organization

# Temporary passwords: no look-alike characters (0/o, 1/l/i), read aloud or printed.
TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
STAFF_ROLES = (Role.TOWN_ADMIN, Role.ORG_OFFICER, Role.SECRETARY, Role.INSPECTOR)


def temporary_password() -> str:
    """Twelve random characters in three groups of four (`k7mp-q2xa-9hte`)."""
    chars = "".join(secrets.choice(TEMP_ALPHABET) for _ in range(12))
    return "-".join(chars[i : i + 4] for i in range(0, 12, 4))


def manages_accounts(actor: Actor, cap: str = Cap.EDIT_ACCOUNTS) -> bool:
    """A town administrator in their town, or the installation administrator holding `cap`
    (`Cap.EDIT_ACCOUNTS`: the system administrator; `Cap.GRANT_ROLES`, `Cap.SECURE_ACCOUNTS`:
    the security administrator; decision 0020)."""
    if actor is None:
        return True
    scope = scope_for(actor)
    return scope.can(Cap.MANAGE_ACCOUNTS) or scope.can(cap)


def _require_manager(actor: Actor, cap: str = Cap.EDIT_ACCOUNTS) -> None:
    if not manages_accounts(actor, cap):
        raise PermissionDenied(_("Only a town administrator can manage accounts."))


def require_managed(actor: Actor, user: User, cap: str = Cap.EDIT_ACCOUNTS) -> None:
    """404 unless the actor manages this account (a superuser is managed by superusers only)."""
    _require_manager(actor, cap)
    if actor is None or scope_for(actor).everything:
        return
    if user.is_superuser or not Account.objects.visible_to(actor).filter(pk=user.pk).exists():
        raise Http404


def actor_town(actor: Actor) -> Place | None:
    """The town an administrator manages (the first, for one who manages several)."""
    if actor is None:
        return None
    paths = scope_for(actor).town_paths
    if not paths:
        return None
    return Place.objects.filter(path__in=paths).order_by("path").first()


def anchor_reached(actor: Actor, *, place: Place | None, organization: Organization | None) -> bool:
    """Whether the anchor is a place or an organisation of the actor's towns."""
    scope = scope_for(actor)
    if actor is None or scope.everything or scope.can(Cap.GRANT_ROLES):
        return True
    if place is not None:
        path = place.path
    elif organization is not None:
        path = organization.place_path
    else:
        return False
    return bool(path) and any(path.startswith(t) for t in scope.town_paths)


def rank_of(actor: Actor) -> int:
    scope = scope_for(actor)
    if actor is None or scope.everything:
        return 1_000
    return max((GRANT_RANK.get(r, ROLE_RANK.get(r, 0)) for r in scope.roles), default=0)


def _check_password(password: str, user: User | None) -> None:
    validate_password(password, user)


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    display_name: str = "",
    is_superuser: bool = False,
    email: str = "",
    phone: str = "",
    must_change_password: bool = False,
    town: Place | None = None,
) -> User:
    """Create a login. A town administrator's accounts belong to their town."""
    _require_manager(actor)
    if is_superuser and not (actor is None or scope_for(actor).everything):
        raise PermissionDenied(_("Only a superuser can create a superuser."))
    username = username.strip()
    if not username:
        raise ValidationError(_("A username is required."))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("User %(name)s already exists") % {"name": username})
    if actor is not None:
        _check_password(password, User(username=username, display_name=display_name, email=email))
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        is_superuser=is_superuser,
        is_staff=is_superuser,
        must_change_password=must_change_password,
        town=town or actor_town(actor),
    )
    user.set_password(password)
    personal.assign(user, "phone", "phone", personal.clean_phone(phone) if phone else "")
    user.save()
    audit.record(
        actor=actor, action=Action.ACCOUNTS_USER_CREATED, obj=user, data={"username": username}
    )
    return user


@transaction.atomic
def user_update(
    *, actor: Actor, user: User, display_name: str, email: str = "", phone: str | None = None
) -> User:
    """Edit the display name, e-mail and (when given) phone of an account."""
    require_managed(actor, user)
    changed = []
    if user.display_name != display_name:
        user.display_name = display_name
        changed.append("display_name")
    if user.email != email:
        user.email = email
        changed.append("email")
    if phone is not None:
        personal.assign(user, "phone", "phone", personal.clean_phone(phone) if phone else "")
        changed.append("phone")
    if changed:
        user.save()
        audit.record(
            actor=actor, action=Action.ACCOUNTS_USER_UPDATED, obj=user, data={"fields": changed}
        )
    return user


@transaction.atomic
def user_set_active(*, actor: Actor, user: User, active: bool) -> User:
    """Deactivate (no login, no API) or reactivate an account; its roles stay as they are."""
    require_managed(actor, user)
    if actor is not None and user.pk == getattr(actor, "pk", None) and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        Token.objects.filter(user=user).delete()
    action = Action.ACCOUNTS_USER_REACTIVATED if active else Action.ACCOUNTS_USER_DEACTIVATED
    audit.record(actor=actor, action=action, obj=user)
    return user


def _check_grant(actor: Actor, role: str, place: Any, organization: Any) -> None:
    if ROLE_RANK.get(role, 10_000) > rank_of(actor):
        raise PermissionDenied(_("You cannot grant a role above your own."))
    if actor is not None and not scope_for(actor).everything:
        if place is None and organization is None:
            raise ValidationError(_("Choose a place or an organisation of your town."))
        if not anchor_reached(actor, place=place, organization=organization):
            raise Http404


@transaction.atomic
def role_grant(
    *, actor: Actor, user: User, role: str, place: Any = None, organization: Any = None
) -> RoleAssignment:
    """Grant `role` at a place or organisation the actor reaches (history kept)."""
    _require_manager(actor, Cap.GRANT_ROLES)
    if actor is not None and user.pk != getattr(actor, "pk", None):
        require_managed(actor, user, Cap.GRANT_ROLES)
    elif actor is not None and scope_for(actor).capabilities & INSTALLATION_CAPS:
        # --- otp (issue #14): an installation administrator never grants themselves a role
        raise PermissionDenied(_("You cannot grant yourself a role."))
    _check_grant(actor, role, place, organization)
    duplicate = RoleAssignment.objects.filter(
        user=user, role=role, place=place, organization=organization, active=True
    )
    if duplicate.exists():
        raise ValidationError(_("The account already holds this role there."))
    ra = RoleAssignment(
        user=user,
        role=role,
        place=place,
        organization=organization,
        granted_by=actor if isinstance(actor, User) else None,
    )
    ra.full_clean(exclude=["user", "granted_by", "ended_by"])
    ra.save()
    if role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_scope(user)
    audit.record(
        actor=actor,
        action=Action.ACCOUNTS_ROLE_GRANTED,
        obj=user,
        data={"role": role, "assignment": ra.pk},
    )
    return ra


@transaction.atomic
def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> RoleAssignment:
    """End a role assignment (kept as history, with who ended it and when)."""
    user = assignment.user
    require_managed(actor, user, Cap.GRANT_ROLES)
    _check_grant(actor, assignment.role, assignment.place, assignment.organization)
    if not assignment.active:
        return assignment
    assignment.active = False
    assignment.ended_at = clock.now()
    assignment.ended_by = actor if isinstance(actor, User) else None
    assignment.save(update_fields=["active", "ended_at", "ended_by"])
    still_staff = RoleAssignment.objects.filter(user=user, active=True, role__in=STAFF_ROLES)
    if user.is_staff and not user.is_superuser and not still_staff.exists():
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    forget_scope(user)
    audit.record(
        actor=actor,
        action=Action.ACCOUNTS_ROLE_REVOKED,
        obj=user,
        data={"role": assignment.role, "assignment": assignment.pk},
    )
    return assignment


@transaction.atomic
def representative_link(*, actor: Actor, user: User, representative: Representative) -> None:
    """Make the account the login of a roster representative (they then see their households)."""
    require_managed(actor, user)
    if actor is not None and not anchor_reached(
        actor, place=representative.place, organization=None
    ):
        raise Http404
    if representative.user_id and representative.user_id != user.pk:
        raise ValidationError(_("This representative already has an account."))
    if Representative.objects.filter(user=user).exclude(pk=representative.pk).exists():
        raise ValidationError(_("This account already belongs to another representative."))
    representative.user = user
    representative.save(update_fields=["user"])
    forget_scope(user)
    audit.record(
        actor=actor,
        action=Action.ACCOUNTS_REPRESENTATIVE_LINKED,
        obj=user,
        data={"representative": representative.pk},
    )


@transaction.atomic
def representative_unlink(*, actor: Actor, user: User) -> None:
    """The account is no longer a representative's login (the roster row stays)."""
    require_managed(actor, user)
    rep = Representative.objects.filter(user=user).first()
    if rep is None:
        return
    rep.user = None
    rep.save(update_fields=["user"])
    forget_scope(user)
    audit.record(
        actor=actor,
        action=Action.ACCOUNTS_REPRESENTATIVE_UNLINKED,
        obj=user,
        data={"representative": rep.pk},
    )


@transaction.atomic
def password_reset(*, actor: Actor, user: User) -> str:
    """A temporary password (returned once, never stored in clear) to change at first login."""
    require_managed(actor, user)
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    Token.objects.filter(user=user).delete()
    axes_reset(username=user.username)
    audit.record(actor=actor, action=Action.ACCOUNTS_PASSWORD_RESET, obj=user)
    return password


@transaction.atomic
def password_change(*, actor: User, password: str) -> User:
    """A user chooses their own new password (the old one is checked by the page)."""
    _check_password(password, actor)
    if actor.check_password(password):
        raise ValidationError(_("Choose a password different from the current one."))
    actor.set_password(password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    audit.record(actor=actor, action=Action.ACCOUNTS_PASSWORD_CHANGED, obj=actor)
    return actor


@transaction.atomic
def token_issue(*, actor: Actor, user: User) -> Token:
    """The user's API token; a newly created one is audited (tokens are credentials)."""
    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit.record(actor=actor, action=Action.ACCOUNTS_TOKEN_CREATED, obj=user)
    return token
