"""Sessions from a programme's layout (issue #12): the mode as configuration, not code.

The layout: {"name": "123", "start": "09:00", "minutes": 120, "sessions": [
{"mode": "offline", "venues": "main", "count": 1, "hours": 4, "topics": [...]}, ...]};
`venues` is `main`, `subs` (the sub-venues), `main+subs` or empty (online).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.actors import Actor
from grassroots.trainings.models import Mode, Programme, Session, Venue
from grassroots.trainings.services.programmes import _may_manage, session_create


def _spread(programme: Programme, n: int) -> list[dt.date]:
    """`n` dates spread evenly over the programme's span."""
    span = max((programme.ends_on - programme.starts_on).days, 0)
    step = span / n if n else 0
    return [programme.starts_on + dt.timedelta(days=int(i * step)) for i in range(n)]


def _layout_venues(spec: str, venues: list[Venue]) -> list[list[Venue]]:
    """How sessions of one line are placed: `main` (the main venue), `subs` (each
    sub-venue its own session), `main+subs` (all at once, the main venue streaming)."""
    main = [v for v in venues if v.is_main]
    subs = [v for v in venues if not v.is_main]
    if spec == "main":
        return [main]
    if spec == "main+subs":
        return [main + subs]
    if spec == "subs":
        return [subs]
    if spec == "":
        return [[]]
    raise ValidationError({"layout": [_("Unknown venue choice %(spec)s") % {"spec": spec}]})


@transaction.atomic
def lay_out(*, actor: Actor, programme: Programme, is_demo: bool = False) -> list[Session]:
    """Sessions from `programme.layout`, spread over the programme's span.

    The layout: {"name": "123", "start": "09:00", "minutes": 120, "sessions": [
    {"mode": "offline", "venues": "main", "count": 1, "hours": 4, "topics": [...]}, ...]}.
    A programme that has sessions already is refused (lay out once, then edit).
    """
    _may_manage(actor, programme)
    layout = programme.layout or {}
    lines = layout.get("sessions") or []
    if not lines:
        raise ValidationError({"layout": [_("The layout names no sessions.")]})
    if programme.sessions.exists():
        raise ValidationError({"layout": [_("This programme has sessions already.")]})
    venues = list(programme.venues.all())
    plan = []
    for line in lines:
        for i in range(int(line.get("count", 1))):
            plan.append((line, i))
    start = dt.time.fromisoformat(layout.get("start", "09:00"))
    minutes = int(layout.get("minutes", 120))
    made = []
    for day, (line, i) in zip(_spread(programme, len(plan)), plan, strict=True):
        topics = line.get("topics") or [programme.name]
        starts_at = timezone.make_aware(dt.datetime.combine(day, start))
        mode = line.get("mode", Mode.OFFLINE)
        online = mode in (Mode.ONLINE, Mode.BOTH)
        text = line.get("material", "") if online else ""
        made.append(
            session_create(
                actor=actor,
                programme=programme,
                topic=topics[i % len(topics)],
                lecturer=line.get("lecturer", ""),
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(minutes=int(line.get("minutes", minutes))),
                hours=line.get("hours", 2),
                mode=mode,
                venues=[]
                if mode == Mode.ONLINE
                else _layout_venues(line.get("venues", "main"), venues)[0],
                material_text=text,
                material_seconds=int(line.get("seconds", 1800)) if text else 0,
                online_until=day + dt.timedelta(days=int(line.get("open_days", 14)))
                if online
                else None,
                is_demo=is_demo,
            )
        )
    return made
