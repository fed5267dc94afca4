"""The demo's people: the system actor, the published demo logins and their rights.

Demo accounts are marked by their e-mail domain (User has no is_demo flag), so
`reset_demo` can find them again.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import models

from grassroots.accounts import services as account_services
from grassroots.accounts.models import User
from grassroots.core import audit
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.core.roles import Role
from grassroots.demo.households import representative_counts
from grassroots.demo.spec import (
    HANDLER_UNITS,
    HOUSEHOLDS,
    INSTRUCTORS,
    VILLAGE_SLUGS,
    VILLAGES,
    DemoLogin,
    demo_town,
)
from grassroots.grid.models import Place, Representative
from grassroots.party.models import Instructor, Member

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


# Login names (README "What a newcomer sees"): admin, organizer, inspector, sysadmin,
# security, auditor,
# secretary.<village pinyin> (12), rep.0001 … rep.0605 (numbered village by village,
# 明月村 first), instructor.01 … instructor.42, handler.<unit> (water, build, civil).


def login_patterns(town: Place) -> list[DemoLogin]:
    """How every representative's, secretary's, instructor's and handler's login is named."""
    reps = Representative.objects.filter(town=town, user__isnull=False).count()
    slugs = list(VILLAGE_SLUGS.values())
    return [
        DemoLogin(
            "secretary.<pinyin>",
            str(Role.SECRETARY.label),
            f"secretary.{slugs[0]} · secretary.{slugs[1]} … secretary.{slugs[-1]}",
        ),
        DemoLogin(f"rep.0001 … rep.{reps:04d}", str(Role.REPRESENTATIVE.label), ""),
        DemoLogin(f"instructor.01 … instructor.{INSTRUCTORS:02d}", str(Role.INSTRUCTOR.label), ""),
        DemoLogin(
            "handler.<unit>",
            str(Role.HANDLER.label),
            " · ".join(f"handler.{suffix}" for suffix, _name in HANDLER_UNITS),
        ),
    ]


# The logins printed by `grassroots demo` (one or two of each role).
SHOWN = (
    "admin",
    "organizer",
    "inspector",
    "sysadmin",
    "security",
    "auditor",
    "secretary.mingyue",
    "secretary.shangshanshi",
    "rep.0001",
    "rep.0002",
    "instructor.01",
    "handler.water",
)


def secretary_login(village_name: str) -> str:
    return f"secretary.{VILLAGE_SLUGS[village_name]}"


def representative_logins(households: int = HOUSEHOLDS) -> list[str]:
    return [f"rep.{n:04d}" for n in range(1, sum(representative_counts(households)) + 1)]


def instructor_logins() -> list[str]:
    return [f"instructor.{n:02d}" for n in range(1, INSTRUCTORS + 1)]


def handler_logins() -> list[tuple[str, str]]:
    return [(f"handler.{suffix}", name) for suffix, name in HANDLER_UNITS]


def login_rows(households: int = HOUSEHOLDS) -> list[tuple[str, str]]:
    """Every demo login of a town of `households` households: (username, display name)."""
    rows = [
        ("admin", "路口镇管理员"),
        ("organizer", "镇党委组织委员"),
        ("inspector", "镇党委督查员"),
        # The installation's three administrators (separation of duties, issue #14).
        ("sysadmin", "系统管理员"),
        ("security", "安全管理员"),
        ("auditor", "审计管理员"),
    ]
    rows += [(secretary_login(v.name), f"{v.name}书记") for v in VILLAGES]
    rows += handler_logins()
    rows += [(u, f"联户代表{u[4:]}") for u in representative_logins(households)]
    rows += [(u, f"党建指导员{u[11:]}") for u in instructor_logins()]
    return rows


def demo_logins(town: Place | None = None) -> list[DemoLogin]:
    """A few of the demo accounts, described from the data (works for an existing demo)."""
    town = town or demo_town()
    users = {u.username: u for u in demo_users().filter(username__in=SHOWN)}
    reps = {
        r.user_id: r
        for r in Representative.objects.filter(user__in=users.values()).select_related("place")
    }
    instructors = {
        i.user_id: i
        for i in Instructor.objects.filter(user__in=users.values()).prefetch_related(
            "assignments__organization"
        )
    }
    rows: list[DemoLogin] = []
    for username in SHOWN:
        user = users.get(username)
        if user is None:
            continue
        if user.pk in reps:
            rows.append(
                DemoLogin(username, str(Role.REPRESENTATIVE.label), reps[user.pk].place.name)
            )
        elif user.pk in instructors:
            branches = "、".join(
                a.organization.name for a in instructors[user.pk].assignments.all()
            )
            rows.append(DemoLogin(username, str(Role.INSTRUCTOR.label), branches))
        else:
            ra = user.role_assignments.select_related("place", "organization").first()
            anchor = (ra.place or ra.organization) if ra else None
            rows.append(
                DemoLogin(username, ra.get_role_display() if ra else "", str(anchor or town or ""))
            )
    return rows


def name_logins_after_people(town: Place) -> None:
    """Representatives' and instructors' logins show the person's (generated) name."""
    people = [
        *Representative.objects.filter(town=town, user__isnull=False).values_list(
            "user_id", "name"
        ),
        *Instructor.objects.filter(town=town, user__isnull=False).values_list("user_id", "name"),
    ]
    users = [User(pk=pk, display_name=name) for pk, name in people]
    User.objects.bulk_update(users, ["display_name"], batch_size=500)


def link_secretaries_to_members(logins: dict[str, User], villages: Sequence[Place]) -> int:
    """Each village secretary's login is the member record of the secretary of the village's
    first branch, so that the secretary can check in to trainings on a phone and see their
    own study hours."""
    linked: list[Member] = []
    for village in villages:
        member = (
            Member.objects.filter(post=Member.Post.SECRETARY, organization__place=village)
            .order_by("org_path", "pk")
            .first()
        )
        if member is not None:
            member.user = logins[secretary_login(village.name)]
            linked.append(member)
    Member.objects.bulk_update(linked, ["user"], batch_size=500)
    return len(linked)


def demo_accounts(rows: Sequence[tuple[str, str]]) -> dict[str, User]:
    """Create demo logins (username, display name) at once; returns them by username.

    The demo password is hashed once and the same hash string given to every
    account: hashing it for each of some 660 logins would take minutes. Each
    creation is audited like `accounts.services.user_create`'s.
    """
    hashed = make_password(PASSWORD)
    users = [
        User(
            username=username,
            display_name=display_name,
            email=f"{username}@{DEMO_EMAIL_DOMAIN}",
            password=hashed,
        )
        for username, display_name in rows
    ]
    clash = User.objects.filter(username__in=[u.username for u in users]).values_list(
        "username", flat=True
    )
    if clash:
        raise ValueError(f"demo logins already exist: {sorted(clash)[:5]}")
    User.objects.bulk_create(users, batch_size=500)
    AuditEvent.objects.bulk_create(
        [
            audit.build(
                actor=None,
                action=Action.ACCOUNTS_USER_CREATED,
                obj=user,
                data={"username": user.username},
            )
            for user in users
        ],
        batch_size=500,
    )
    return {user.username: user for user in users}


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
