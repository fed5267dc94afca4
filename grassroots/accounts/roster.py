"""Accounts for the imported roster: one login per representative without one.

Usernames follow one documented pattern, `r.<village>.<nnn>`: `<village>` is the village's
12-digit division code when it has one, else `v<village id>`; `<nnn>` is the next free
three-digit number in that village (`r.430121101000.001`, `r.v12.002`). No pinyin, so no
spelling questions. Each account gets a temporary password it must change at first login; the
passwords exist only in the returned rows and the `.xlsx` made from them (printed once, never
stored in clear). One audit row per account, and one for the batch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.accounts import services
from grassroots.accounts.models import User
from grassroots.core import audit, xlsx
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.scoping import scope_for
from grassroots.grid.models import Place, Representative

MAX_BATCH = 2_000
PREFIX = "r"  # one letter: a representative's login, in either language


@dataclass(frozen=True)
class Issued:
    username: str
    name: str
    village: str
    password: str


def village_key(village: Place) -> str:
    return village.code if village.code else f"v{village.pk}"


def without_account(actor: Actor) -> list[Representative]:
    """The active roster rows of the actor's towns that have no login yet."""
    scope = scope_for(actor)
    rows = Representative.objects.filter(user__isnull=True, active=True).select_related("place")
    if actor is not None and not scope.everything:
        rows = rows.filter(town__path__in=scope.town_paths)
    return list(rows.order_by("place_path", "name", "pk")[:MAX_BATCH])


def _next_username(key: str, taken: set[str]) -> str:
    pattern = re.compile(rf"^{PREFIX}\.{re.escape(key)}\.(\d+)$")
    numbers = [int(m.group(1)) for name in taken if (m := pattern.match(name))]
    number = max(numbers, default=0) + 1
    username = f"{PREFIX}.{key}.{number:03d}"
    taken.add(username)
    return username


@transaction.atomic
def roster_accounts_create(*, actor: Actor) -> list[Issued]:
    """Create the missing representatives' accounts of the actor's towns (all at once)."""
    if not services.manages_accounts(actor):
        raise PermissionDenied(_("Only a town administrator can manage accounts."))
    reps = without_account(actor)
    taken = set(
        User.objects.filter(username__startswith=f"{PREFIX}.").values_list("username", flat=True)
    )
    issued = []
    for rep in reps:
        username = _next_username(village_key(rep.place), taken)
        password = services.temporary_password()
        user = services.user_create(
            actor=actor,
            username=username,
            password=password,
            display_name=rep.name[:50],
            must_change_password=True,
            town=rep.town,
        )
        rep.user = user
        rep.save(update_fields=["user"])
        audit.record(
            actor=actor,
            action=Action.ACCOUNTS_REPRESENTATIVE_LINKED,
            obj=user,
            data={"representative": rep.pk},
        )
        issued.append(Issued(username, rep.name, rep.place.name, password))
    audit.record(
        actor=actor, action=Action.ACCOUNTS_ROSTER_ACCOUNTS_CREATED, data={"count": len(issued)}
    )
    return issued


def workbook(issued: list[Issued]) -> bytes:
    """The sheet to print and hand out: username, name, village, temporary password."""
    header = [
        _("Username"),
        _("Representative’s name"),
        _("Village or community"),
        _("Temporary password"),
    ]
    rows = [(i.username, i.name, i.village, i.password) for i in issued]
    return xlsx.table_workbook([(_("Accounts"), header, rows)])
