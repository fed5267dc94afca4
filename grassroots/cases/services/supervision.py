"""Supervision by the town: 督办, the whistle (吹哨) and the units reporting to it (报到)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.accounts.models import RoleAssignment, User
from grassroots.cases import notices, workflow
from grassroots.cases.models import OPEN_STATUSES, Case, CaseSummons
from grassroots.cases.selectors import eligible_handlers, town_units
from grassroots.cases.services.locks import lock, refresh
from grassroots.cases.services.recipients import handler_recipients, send, users_at
from grassroots.core import clock
from grassroots.core.actors import Actor, acting_user
from grassroots.core.roles import Role
from grassroots.grid.models import Place


@transaction.atomic
def case_supervise(*, actor: Actor, case: Case, note: str = "") -> Case:
    locked = lock(case)
    to = workflow.check(locked, "supervise", actor)
    locked.supervised = True
    workflow.apply(locked, "supervise", actor, to=to, note=note, fields=["supervised"])
    send(
        locked,
        handler_recipients(locked),
        message=notices.SUPERVISED,
        key=None,
    )
    return refresh(case, locked)


@transaction.atomic
def case_whistle(
    *,
    actor: Actor,
    case: Case,
    users: Sequence[User] = (),
    places: Sequence[Place] = (),
    note: str = "",
) -> list[CaseSummons]:
    """吹哨: the town summons several units; each must report (报到)."""
    if not users and not places:
        raise ValidationError({"users": _("Choose at least one unit to summon.")})
    locked = lock(case)
    to = workflow.check(locked, "whistle", actor)
    now = clock.now()
    rows = [CaseSummons(case=locked, user=u, summoned_at=now) for u in users]
    rows += [CaseSummons(case=locked, place=p, summoned_at=now) for p in places]
    _check_summoned(locked, users, places)
    CaseSummons.objects.bulk_create(rows)
    locked.supervised = True
    workflow.apply(
        locked,
        "whistle",
        actor,
        to=to,
        note=note,
        data={"users": [u.pk for u in users], "places": [p.pk for p in places]},
        fields=["supervised"],
    )
    recipients = [u.pk for u in users]
    for p in places:
        recipients += users_at(p, [Role.HANDLER, Role.SECRETARY, Role.TOWN_ADMIN])
    send(
        locked,
        recipients,
        message=notices.WHISTLE,
        key=f"case:{locked.pk}:whistle:{now.timestamp():.0f}",
    )
    return list(CaseSummons.objects.filter(case=locked, summoned_at=now))


def _check_summoned(case: Case, users: Sequence[User], places: Sequence[Place]) -> None:
    """Only whom the form offers: the town's handlers and secretaries, its units."""
    for p in places:
        if not p.path.startswith(case.town.path):
            raise ValidationError({"places": _("The unit must belong to the case's town.")})
    wanted = {u.pk for u in users}
    eligible = set(eligible_handlers(case).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - eligible:
        raise ValidationError(
            {"users": _("Only the handlers and secretaries of the case's town can take it.")}
        )
    units = {p.pk for p in places}
    if units - set(town_units(case).filter(pk__in=units).values_list("pk", flat=True)):
        raise ValidationError({"places": _("Hand the case to the town or one of its villages.")})


@transaction.atomic
def case_acknowledge(*, actor: Actor, summons: CaseSummons, note: str = "") -> CaseSummons:
    locked = (
        CaseSummons.objects.select_for_update(of=("self",))
        .select_related("case", "place")
        .get(pk=summons.pk)
    )
    mine = locked.user_id == getattr(actor, "pk", None)
    if not mine and locked.place_id:
        mine = locked.place_id in [
            ra.place_id
            for ra in RoleAssignment.objects.filter(user=actor, active=True, place__isnull=False)
        ]
    if not mine:
        raise PermissionDenied(_("This summons is for another unit."))
    if locked.case.status not in OPEN_STATUSES:
        # Reporting in on a closed or rejected case would start no work.
        raise workflow.not_allowed(locked.case, "acknowledge")
    if locked.acknowledged_at is None:
        locked.acknowledged_at = clock.now()
        locked.acknowledged_by = acting_user(actor)
        locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
        workflow.record_event(
            locked.case, "acknowledge", actor, note=note, data={"summons": locked.pk}
        )
    return locked
