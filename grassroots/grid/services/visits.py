"""Representatives' visits to households."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from grassroots.core import audit, clock
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.events import Event, emit
from grassroots.core.roles import Cap
from grassroots.core.services import require, require_visible
from grassroots.grid.models import Household, Representative, Visit


@transaction.atomic
def visit_log(
    *,
    actor: Actor,
    household: Household,
    mode: str = Visit.Mode.DOOR,
    notes: str = "",
    visited_at: dt.datetime | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    accuracy_m: int | None = None,
    device_time: dt.datetime | None = None,
    representative: Representative | None = None,
) -> Visit:
    """Record a representative's visit and move the household's last_visit_at forward."""
    require(actor, Cap.LOG_VISIT)
    require_visible(actor, household)
    if representative is None:
        representative = getattr(actor, "representative", None) or household.representative
    if representative is None:
        raise ValidationError(_("This household has no representative to log a visit for."))
    if mode not in Visit.Mode.values:
        raise ValidationError(_("Unknown visit mode %(mode)s") % {"mode": mode})
    now = clock.now()
    visited_at = visited_at or now
    if visited_at > now + dt.timedelta(minutes=5):
        raise ValidationError(_("A visit cannot be in the future."))
    visit = Visit.objects.create(
        representative=representative,
        household=household,
        town_id=household.town_id,
        place_path=household.place_path,
        visited_at=visited_at,
        mode=mode,
        notes=notes,
        latitude=latitude,
        longitude=longitude,
        accuracy_m=accuracy_m,
        device_time=device_time,
        server_time=now,
    )
    emit(Event.VISIT_LOGGED, household=household, visited_at=visited_at)
    # A conditional UPDATE keeps the newest date even when an older visit is logged
    # late or two visits race: no read-modify-write.
    Household.objects.filter(pk=household.pk).filter(
        Q(last_visit_at__isnull=True) | Q(last_visit_at__lt=visited_at)
    ).update(last_visit_at=visited_at)
    household.refresh_from_db(fields=["last_visit_at"])
    audit.record(
        actor=actor,
        action=Action.GRID_VISIT_LOGGED,
        obj=visit,
        data={"household": household.pk, "mode": mode},
    )
    return visit
