"""The demo's people: the system actor, the published demo logins and their rights.

Demo accounts are marked by their e-mail domain (User has no is_demo flag), so
`reset_demo` can find them again.
"""

from __future__ import annotations

import secrets

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import models

from grassroots.accounts import services as account_services
from grassroots.accounts.models import User
from grassroots.core.roles import Role
from grassroots.demo.spec import DemoLogin, demo_town
from grassroots.grid.models import Place, Representative
from grassroots.party.models import Instructor

PASSWORD = "grassroots-demo"  # noqa: S105 - the published demo password
DEMO_EMAIL_DOMAIN = "demo.grassroots.invalid"
SYSTEM_USERNAME = "system"


def demo_users() -> models.QuerySet:
    return User.objects.filter(email__endswith="@" + DEMO_EMAIL_DOMAIN)


def system_user() -> User:
    """The superuser the loader acts as (unusable password: nobody logs in as it)."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = account_services.user_create(
            actor=None,
            username=SYSTEM_USERNAME,
            password=secrets.token_urlsafe(24),
            display_name="系统",
            is_superuser=True,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def demo_logins(town: Place | None = None) -> list[DemoLogin]:
    """The published demo accounts, described from the data (works for an existing demo)."""
    town = town or demo_town()
    rows: list[DemoLogin] = []
    users = {u.username: u for u in demo_users()}
    for username in ("admin", "organizer", "secretary.mingyue"):
        if username in users:
            ra = users[username].role_assignments.select_related("place", "organization").first()
            anchor = (ra.place or ra.organization) if ra else None
            rows.append(
                DemoLogin(username, ra.get_role_display() if ra else "", str(anchor or town or ""))
            )
    for rep in (
        Representative.objects.filter(user__in=users.values())
        .select_related("user", "place")
        .order_by("user__username")
    ):
        rows.append(DemoLogin(rep.user.username, str(Role.REPRESENTATIVE.label), rep.place.name))
    for ins in (
        Instructor.objects.filter(user__in=users.values())
        .select_related("user")
        .prefetch_related("assignments__organization")
        .order_by("user__username")
    ):
        branches = "、".join(a.organization.name for a in ins.assignments.all())
        rows.append(DemoLogin(ins.user.username, str(Role.INSTRUCTOR.label), branches))
    return rows


def demo_user(username: str, display_name: str) -> User:
    user = account_services.user_create(
        actor=None, username=username, password=PASSWORD, display_name=display_name
    )
    # The e-mail domain marks demo accounts so --reset can find them again.
    user.email = f"{username}@{DEMO_EMAIL_DOMAIN}"
    user.save(update_fields=["email"])
    return user


def back_office_permissions(user: User) -> None:
    """Model permissions for the Django admin, without the accounts app.

    The town administrator edits data in the back office but cannot hand out
    superuser rights there: accounts (users, roles) stay view-only.
    """
    perms = Permission.objects.filter(content_type__app_label__in=_project_labels()).exclude(
        content_type__app_label="accounts", codename__regex=r"^(add|change|delete)_"
    )
    user.user_permissions.add(*perms)


def _project_labels() -> list[str]:
    return [c.label for c in apps.get_app_configs() if c.name.startswith("grassroots.")]
