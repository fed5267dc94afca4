"""The demo town 路口镇 (DOMAIN.md §4): grid, Party tree, accounts, visits, cases.

`load_demo` is one service: deterministic (seeded), idempotent (a second call
finds the town and does nothing) and fast (households, residents, links and
visits are written set-based). The parts live beside it: `spec` (the town's
shape), `people` (accounts), `households` (the grid), `history` (visits),
`organizations` (the Party tree); the cases app generates its own demo cases
(`cases.demo`).

`reset_demo` removes the demo town and everything hanging off it, plus the
demo accounts (marked by their e-mail domain, since User has no is_demo flag).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from grassroots.accounts import services as account_services
from grassroots.accounts.models import User
from grassroots.alliances.demo import load_demo_alliances
from grassroots.analytics.services import forget_removed_nodes, rebuild
from grassroots.cadence.demo import load_demo_cadence
from grassroots.cases.demo import load_demo_cases
from grassroots.core import audit, clock
from grassroots.core.audit import Action
from grassroots.core.roles import Role
from grassroots.demo.history import load_visits
from grassroots.demo.households import build_grid, ensure_tags
from grassroots.demo.names import NameGen
from grassroots.demo.organizations import build_party
from grassroots.demo.people import (
    PASSWORD,
    SYSTEM_USERNAME,
    back_office_permissions,
    demo_accounts,
    demo_logins,
    demo_users,
    handler_logins,
    instructor_logins,
    link_secretaries_to_members,
    login_rows,
    name_logins_after_people,
    representative_logins,
    secretary_login,
    system_user,
)
from grassroots.demo.spec import (
    ANCESTORS,
    DEFAULT_TAGS,
    HOUSEHOLDS,
    SEED,
    TOWN_NAME,
    DemoLogin,
    DemoResult,
    TagSpec,
    demo_town,
)
from grassroots.duties.demo import load_demo_duties
from grassroots.grid import services as grid
from grassroots.grid.models import (
    Household,
    Place,
    Representative,
    RepresentativeLink,
    Resident,
    Visit,
)
from grassroots.inspections.demo import load_demo_inspections
from grassroots.orglife.demo import load_demo_orglife
from grassroots.party.models import (
    GuidanceAssignment,
    GuidanceVisit,
    Instructor,
    Member,
    Organization,
)
from grassroots.portal.demo import load_demo_portal
from grassroots.rectify.demo import load_demo_rectify
from grassroots.reports.demo import load_demo_reports
from grassroots.sites.demo import load_demo_sites
from grassroots.trainings.demo import load_demo_trainings

__all__ = [
    "DEFAULT_TAGS",
    "HOUSEHOLDS",
    "PASSWORD",
    "SEED",
    "SYSTEM_USERNAME",
    "TOWN_NAME",
    "DemoLogin",
    "DemoResult",
    "demo_logins",
    "demo_town",
    "load_demo",
    "reset_demo",
    "system_user",
]

log = logging.getLogger(__name__)


@transaction.atomic
def load_demo(
    *,
    actor: User | None = None,
    households: int = HOUSEHOLDS,
    seed: int = SEED,
    tags: Sequence[TagSpec] = DEFAULT_TAGS,
    extras: bool = True,
) -> DemoResult:
    """Load the demo town unless it is there already; returns what was loaded.

    `households` below the full 6,896 scales the grid down (quick benchmarks,
    tests); the Party tree keeps its full size.
    """
    existing = demo_town()
    if existing is not None:
        return DemoResult(town=existing, created=False, logins=demo_logins(existing))
    started = time.perf_counter()
    actor = actor or system_user()
    rng = random.Random(seed)
    names = NameGen(rng)
    now = clock.now()
    today = clock.today()
    ensure_tags(tags)
    # Accounts first: representatives and instructors are created with their user.
    logins = demo_accounts(login_rows(households))
    built = build_grid(
        actor=actor,
        rng=rng,
        names=names,
        today=today,
        households=households,
        tags=tags,
        rep_users=[logins[u] for u in representative_logins(households)],
    )
    town, villages = built.town, built.villages
    summary = grid.households_bulk_create(actor=actor, town=town, rows=built.rows, is_demo=True)
    visits = load_visits(
        rng=rng, town=town, villages=villages, special_codes=built.special_codes, now=now
    )
    committee, party_counts = build_party(
        actor=actor,
        rng=rng,
        names=names,
        town=town,
        villages=villages,
        today=today,
        instructor_users=[logins[u] for u in instructor_logins()],
    )
    _grant_roles(actor=actor, logins=logins, town=town, villages=villages, committee=committee)
    name_logins_after_people(town)
    link_secretaries_to_members(logins, villages)
    result = DemoResult(town=town, created=True)
    result.counts = {
        "households": summary.households,
        "residents": summary.residents,
        "representatives": built.representatives,
        "links": summary.links,
        "visits": visits,
        **party_counts,
    }
    result.warnings.extend(_extras(actor=actor, town=town, now=now, seed=seed, cases=extras))
    result.seconds = time.perf_counter() - started
    audit.record(actor=actor, action=Action.DEMO_LOADED, obj=town, data=result.counts)
    result.logins = demo_logins(town)
    return result


def _grant_roles(
    *,
    actor: User,
    logins: dict[str, User],
    town: Place,
    villages: list[Place],
    committee: Organization,
) -> None:
    """The administrator, the organiser, the inspector, a secretary per village and the
    town's handlers."""
    admin = logins["admin"]
    account_services.role_grant(actor=actor, user=admin, role=Role.TOWN_ADMIN, place=town)
    back_office_permissions(admin)
    account_services.role_grant(
        actor=actor, user=logins["organizer"], role=Role.ORG_OFFICER, organization=committee
    )
    account_services.role_grant(
        actor=actor, user=logins["inspector"], role=Role.INSPECTOR, place=town
    )
    # The installation's administrators (appointed by the system user, a superuser).
    for username, role in (
        ("sysadmin", Role.SYSTEM_ADMIN),
        ("security", Role.SECURITY_ADMIN),
        ("auditor", Role.AUDIT_ADMIN),
    ):
        account_services.role_grant(actor=actor, user=logins[username], role=role, place=town)
    for village in villages:
        account_services.role_grant(
            actor=actor,
            user=logins[secretary_login(village.name)],
            role=Role.SECRETARY,
            place=village,
        )
    for username, _name in handler_logins():
        # Town units handling cases (cases.demo gives them its demo cases).
        account_services.role_grant(
            actor=actor, user=logins[username], role=Role.HANDLER, place=town
        )


# Each takes (actor, town, now, seed), is deterministic and does nothing the second time.
PARTY_BUILDING: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("orglife", load_demo_orglife),
    ("alliances", load_demo_alliances),
    ("rectify", load_demo_rectify),
    ("trainings", load_demo_trainings),
    ("sites", load_demo_sites),
    ("inspections", load_demo_inspections),
    ("duties", load_demo_duties),
    ("cadence", load_demo_cadence),
    ("portal", load_demo_portal),  # issue #13: articles, pictures, disclosure items
)


def _extras(*, actor: User, town: Place, now: dt.datetime, seed: int, cases: bool) -> list[str]:
    """Demo data of other apps (cases…) and the dashboards' prepared figures.

    A generator that fails is reported, not fatal: the grid and Party demo still loads.
    """
    warnings: list[str] = []
    if cases:
        try:
            with transaction.atomic():
                load_demo_cases(actor=actor, town=town, now=now, seed=seed)
        except Exception as exc:  # any failure of another app's generator
            log.exception("cases demo generator failed")
            warnings.append(f"cases: {exc}")
    # The Party-building loop (issue #11), in layer order: the records first, so that the
    # duty checklists generated after them complete themselves from the records' finders.
    if cases:
        for label, generator in PARTY_BUILDING:
            try:
                with transaction.atomic():
                    generator(actor=actor, town=town, now=now, seed=seed)
            except Exception as exc:  # any failure of another app's generator
                log.exception("%s demo generator failed", label)
                warnings.append(f"{label}: {exc}")
    # Visits were bulk-inserted without the per-visit hooks: recompute the prepared figures.
    try:
        with transaction.atomic():
            rebuild(actor=actor, now=now)
    except Exception as exc:
        log.exception("analytics rebuild failed")
        warnings.append(f"analytics: {exc}")
    # The reports read the prepared figures: made after the rebuild (issue #13).
    if cases:
        try:
            with transaction.atomic():
                load_demo_reports(actor=actor, town=town, now=now, seed=seed)
        except Exception as exc:  # any failure of another app's generator
            log.exception("reports demo generator failed")
            warnings.append(f"reports: {exc}")
    return warnings


# --- reset -------------------------------------------------------------------------


@transaction.atomic
def reset_demo(*, actor: User | None = None) -> dict[str, int]:
    """Delete the demo town with everything under it and the demo accounts."""
    town = demo_town()
    deleted: dict[str, int] = {}

    def note(label: str, result: tuple[int, dict[str, int]]) -> None:
        for key, n in result[1].items():
            deleted[key] = deleted.get(key, 0) + n

    if town is not None:
        _delete_other_apps(town, note)
        committee = Organization.objects.filter(town=town, depth=1, is_demo=True).first()
        org_prefix = committee.path if committee else None
        if org_prefix:
            orgs = Organization.objects.filter(path__startswith=org_prefix)
            note("gv", GuidanceVisit.objects.filter(organization__in=orgs).delete())
            note("ga", GuidanceAssignment.objects.filter(organization__in=orgs).delete())
            note("m", Member.objects.filter(org_path__startswith=org_prefix).delete())
        note("ga", GuidanceAssignment.objects.filter(instructor__town=town).delete())
        note("gv", GuidanceVisit.objects.filter(instructor__town=town).delete())
        note("i", Instructor.objects.filter(town=town, is_demo=True).delete())
        if committee is not None:
            note("o", Organization.objects.filter(path__startswith=org_prefix).delete())
        note("v", Visit.objects.filter(town=town).delete())
        note("l", RepresentativeLink.objects.filter(household__town=town).delete())
        note("r", Resident.objects.filter(town=town).delete())
        note("h", Household.objects.filter(town=town).delete())
        note("rep", Representative.objects.filter(town=town).delete())
        note("p", Place.objects.filter(path__startswith=town.path).delete())
        # Ancestors the loader created go too, unless real towns now hang under them.
        for kind, name, _code in reversed(ANCESTORS):
            node = Place.objects.filter(kind=kind, name=name, is_demo=True).first()
            if node is not None and not Place.objects.get_children(node).exists():
                note("p", Place.objects.filter(pk=node.pk).delete())
    deleted["analytics.MonthFigures"] = forget_removed_nodes()
    users = list(demo_users())
    if users:
        note("u", demo_users().delete())
    audit.record(
        actor=actor,
        action=Action.DEMO_RESET,
        object_type="demo.town",
        object_id=TOWN_NAME,
        data={"deleted": deleted, "users": [u.username for u in users]},
    )
    return deleted


def _delete_other_apps(
    town: Place, note: Callable[[str, tuple[int, dict[str, int]]], None]
) -> None:
    """Demo rows of the other apps (cases, notify…) that reference the town's data.

    Their models are not known here; every project model with an `is_demo` flag
    outside grid/party is cleared for this town, in as many passes as protected
    foreign keys need.
    """
    pending = [
        m
        for m in apps.get_models()
        if m._meta.app_label not in ("grid", "party", "accounts", "core")
        and m._meta.app_config.name.startswith("grassroots.")
        and any(f.name == "is_demo" for f in m._meta.get_fields())
    ]
    for _ in range(len(pending) + 1):
        blocked = []
        for model in pending:
            qs = model._default_manager.filter(is_demo=True)
            if any(f.name == "town" for f in model._meta.get_fields()):
                qs = qs.filter(town=town)
            try:
                with transaction.atomic():
                    note(model._meta.label, qs.delete())
            except (ProtectedError, RestrictedError):
                blocked.append(model)
        if not blocked:
            return
        pending = blocked
