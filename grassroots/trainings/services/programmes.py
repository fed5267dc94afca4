"""Programmes, venues and sessions of trainings (issue #12): every change, audited.

Rules kept here for pages, API and demo alike:

- the actor holds `Cap.MANAGE_TRAINING` and reaches the committee that owns the
  programme (else 404, as if it did not exist);
- a programme moves draft → open → closed, and a wrong move names the allowed ones;
- `lay_out` makes the sessions from the programme's layout (a mode such as "123" is a
  dict: which venues each kind of session uses, how many, of which mode, how many hours);
  no code knows any mode by name;
- `Session.on` is always the local date of `starts_at`; a session with attendance is
  not cancelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import audit, clock
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.core.services import require, require_reach, require_visible
from grassroots.grid.models import Place
from grassroots.party.models import Organization
from grassroots.trainings.models import (
    DEFAULT_MIN_SHARE,
    Attendance,
    Audience,
    HoursRequirement,
    Kind,
    Mode,
    Programme,
    Session,
    Venue,
)

S = Programme.Status
MOVES = {S.DRAFT: (S.OPEN,), S.OPEN: (S.CLOSED,), S.CLOSED: ()}
VILLAGE_KINDS = (Place.Kind.VILLAGE, Place.Kind.COMMUNITY)
PROGRAMME_FIELDS = ("name", "starts_on", "ends_on", "description", "layout")


def _may_manage(actor: Actor, programme: Programme) -> None:
    require(actor, Cap.MANAGE_TRAINING)
    require_visible(actor, programme)
    require_reach(actor, programme.organization)


def _town_of(org: Organization) -> Place | None:
    if org.town_id:
        return org.town
    if org.place_id:
        place = org.place
        path = place.town_path()
        return unscoped(Place, why=Unscoped.SYSTEM).filter(path=path).first() if path else None
    return None


def _check_programme(p: Programme) -> None:
    errors: dict[str, list[str]] = {}
    if not p.name.strip():
        errors["name"] = [_("Give the programme a name.")]
    if p.ends_on < p.starts_on:
        errors["ends_on"] = [_("The programme cannot end before it starts.")]
    if p.kind == Kind.VILLAGER_SKILLS and p.audience != Audience.RESIDENTS:
        errors["audience"] = [_("A villagers' skills course is for residents of chosen villages.")]
    if p.kind != Kind.VILLAGER_SKILLS and p.audience == Audience.RESIDENTS:
        errors["audience"] = [_("Only a villagers' skills course is for residents.")]
    if not isinstance(p.layout, dict):
        errors["layout"] = [_("The layout is a set of named values.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def programme_create(
    *,
    actor: Actor,
    organization: Organization,
    name: str,
    kind: str,
    audience: str,
    starts_on: dt.date,
    ends_on: dt.date,
    branches: Iterable[Organization] = (),
    villages: Iterable[Place] = (),
    layout: dict[str, Any] | None = None,
    description: str = "",
    is_demo: bool = False,
) -> Programme:
    """A programme of the committee `organization`, in draft."""
    require(actor, Cap.MANAGE_TRAINING)
    require_reach(actor, organization)
    programme = Programme(
        organization=organization,
        org_path=organization.path,
        town=_town_of(organization),
        name=name.strip(),
        kind=kind,
        audience=audience,
        starts_on=starts_on,
        ends_on=ends_on,
        layout=layout or {},
        description=description.strip(),
        created_at=clock.now(),
        is_demo=is_demo,
    )
    _check_programme(programme)
    programme.save()
    _set_audience(actor, programme, branches, villages)
    audit.record(
        actor=actor,
        action=Action.TRAININGS_PROGRAMME_CREATED,
        obj=programme,
        data={"kind": kind, "audience": audience},
    )
    return programme


def _set_audience(
    actor: Actor,
    programme: Programme,
    branches: Iterable[Organization],
    villages: Iterable[Place],
) -> None:
    branches, villages = list(branches), list(villages)
    errors: dict[str, list[str]] = {}
    outside = [b.name for b in branches if not b.path.startswith(programme.org_path)]
    if outside:
        errors["branches"] = [
            _("Not under the organising committee: %(names)s") % {"names": "、".join(outside)}
        ]
    wrong = [v.name for v in villages if v.kind not in VILLAGE_KINDS]
    if wrong:
        errors["villages"] = [_("Not villages: %(names)s") % {"names": "、".join(wrong)}]
    if errors:
        raise ValidationError(errors)
    for village in villages:
        require_reach(actor, village)
    programme.branches.set(branches)
    programme.villages.set(villages)


@transaction.atomic
def programme_update(
    *,
    actor: Actor,
    programme: Programme,
    branches: Iterable[Organization] | None = None,
    villages: Iterable[Place] | None = None,
    **changes: Any,
) -> Programme:
    """Change the name, dates, description or layout (and the chosen branches/villages)."""
    _may_manage(actor, programme)
    unknown = set(changes) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ValueError(f"not changeable: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(programme, name, value.strip() if isinstance(value, str) else value)
    _check_programme(programme)
    programme.save()
    if branches is not None or villages is not None:
        _set_audience(
            actor,
            programme,
            programme.branches.all() if branches is None else branches,
            programme.villages.all() if villages is None else villages,
        )
    audit.record(
        actor=actor,
        action=Action.TRAININGS_PROGRAMME_UPDATED,
        obj=programme,
        data={"fields": sorted(changes)},
    )
    return programme


def _move(actor: Actor, programme: Programme, to: str) -> Programme:
    _may_manage(actor, programme)
    allowed = MOVES[S(programme.status)]
    if to not in allowed:
        names = "、".join(str(S(s).label) for s in allowed) or _("none")
        raise ValidationError(
            {
                "status": [
                    _("A %(state)s programme cannot become %(to)s; allowed: %(allowed)s")
                    % {"state": programme.get_status_display(), "to": S(to).label, "allowed": names}
                ]
            }
        )
    programme.status = to
    programme.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action=Action.TRAININGS_PROGRAMME_STATUS_CHANGED,
        obj=programme,
        data={"to": to},
    )
    return programme


@transaction.atomic
def programme_open(*, actor: Actor, programme: Programme) -> Programme:
    return _move(actor, programme, S.OPEN)


@transaction.atomic
def programme_close(*, actor: Actor, programme: Programme) -> Programme:
    return _move(actor, programme, S.CLOSED)


@transaction.atomic
def venue_create(
    *,
    actor: Actor,
    programme: Programme,
    name: str,
    place: Place,
    address: str = "",
    is_main: bool = False,
) -> Venue:
    _may_manage(actor, programme)
    require_reach(actor, place)
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Give the venue a name.")]})
    if programme.venues.filter(name=name).exists():
        raise ValidationError({"name": [_("This programme already has a venue of that name.")]})
    if is_main and programme.venues.filter(is_main=True).exists():
        raise ValidationError({"is_main": [_("This programme already has a main venue.")]})
    venue = Venue.objects.create(
        programme=programme,
        name=name[:100],
        place=place,
        place_path=place.path,
        address=address.strip()[:200],
        is_main=is_main,
    )
    audit.record(actor=actor, action=Action.TRAININGS_VENUE_CREATED, obj=venue)
    return venue


@transaction.atomic
def venues_per_village(
    *, actor: Actor, programme: Programme, main_name: str, sub_suffix: str
) -> list[Venue]:
    """The main venue at the town and one sub-venue per village of the town (idempotent:
    venues already there are kept)."""
    _may_manage(actor, programme)
    town = programme.town
    if town is None:
        raise ValidationError({"town": [_("The organising committee has no town.")]})
    made = []
    have = set(programme.venues.values_list("name", flat=True))
    if not programme.venues.filter(is_main=True).exists():
        made.append(
            venue_create(actor=actor, programme=programme, name=main_name, place=town, is_main=True)
        )
    villages = (
        unscoped(Place, why=Unscoped.SYSTEM)
        .filter(path__startswith=town.path, kind__in=VILLAGE_KINDS)
        .order_by("path")
    )
    for village in villages:
        name = f"{village.name}{sub_suffix}"
        if name not in have:
            made.append(venue_create(actor=actor, programme=programme, name=name, place=village))
    return made


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": [_("Hours are a number, such as 2 or 1.5.")]}) from None
    if not Decimal("0") < hours <= Decimal("99"):
        raise ValidationError({"hours": [_("Hours are more than 0 and at most 99.")]})
    return hours


def _check_session(s: Session, venues: Sequence[Venue]) -> None:
    errors: dict[str, list[str]] = {}
    if not s.topic.strip():
        errors["topic"] = [_("Give the session a topic.")]
    if s.ends_at <= s.starts_at:
        errors["ends_at"] = [_("The session must end after it starts.")]
    if s.mode not in Mode.values:
        errors["mode"] = [_("Choose one of: %(modes)s") % {"modes": ", ".join(Mode.values)}]
    if any(v.programme_id != s.programme_id for v in venues):
        errors["venues"] = [_("A venue of another programme was chosen.")]
    if s.mode in (Mode.OFFLINE, Mode.BOTH) and not venues and not s.makeup_of_id:
        errors["venues"] = [_("An offline session needs at least one venue.")]
    online = s.mode in (Mode.ONLINE, Mode.BOTH)
    if online and s.material_kind == Session.MaterialKind.TEXT and s.material_seconds <= 0:
        errors["material_seconds"] = [_("Say how long the material takes, in seconds.")]
    if not Decimal("0") < s.min_share <= Decimal("1"):
        errors["min_share"] = [_("The minimum share is more than 0 and at most 1.")]
    if s.makeup_of_id and s.makeup_of.makeup_of_id:
        errors["makeup_of"] = [_("A make-up session makes up for a regular session.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_create(
    *,
    actor: Actor,
    programme: Programme,
    topic: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    hours: Any,
    mode: str = Mode.OFFLINE,
    lecturer: str = "",
    venues: Sequence[Venue] = (),
    material_text: str = "",
    material_seconds: int = 0,
    min_share: Decimal | None = None,
    online_until: dt.date | None = None,
    makeup_of: Session | None = None,
    is_demo: bool = False,
) -> Session:
    """One session (or a make-up one: `makeup_of`, see services.makeup)."""
    if makeup_of is None:
        _may_manage(actor, programme)
    session = Session(
        programme=programme,
        topic=topic.strip()[:200],
        lecturer=lecturer.strip()[:50],
        on=timezone.localdate(starts_at),
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        hours=_hours(hours),
        material_kind=Session.MaterialKind.TEXT if material_text.strip() else "",
        material_text=material_text.strip(),
        material_seconds=material_seconds,
        min_share=DEFAULT_MIN_SHARE if min_share is None else min_share,
        online_until=online_until,
        makeup_of=makeup_of,
        is_demo=is_demo,
    )
    _check_session(session, venues)
    session.save()
    session.venues.set(venues)
    audit.record(
        actor=actor,
        action=Action.TRAININGS_SESSION_CREATED,
        obj=session,
        data={"mode": mode, "makeup_of": makeup_of.pk if makeup_of else None},
    )
    return session


SESSION_FIELDS = (
    "topic",
    "lecturer",
    "starts_at",
    "ends_at",
    "mode",
    "hours",
    "material_text",
    "material_seconds",
    "min_share",
    "online_until",
)


@transaction.atomic
def session_update(
    *, actor: Actor, session: Session, venues: Sequence[Venue] | None = None, **changes: Any
) -> Session:
    """Change a session; hours credited cannot change once attendance is recorded."""
    _may_manage(actor, session.programme)
    unknown = set(changes) - set(SESSION_FIELDS)
    if unknown:
        raise ValueError(f"not changeable: {sorted(unknown)}")
    if "hours" in changes:
        changes["hours"] = _hours(changes["hours"])
        held = unscoped(Attendance, why=Unscoped.SYSTEM).filter(session=session).exists()
        if held and changes["hours"] != session.hours:
            raise ValidationError(
                {"hours": [_("Attendance is recorded: the hours credited can no longer change.")]}
            )
    for name, value in changes.items():
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    session.on = timezone.localdate(session.starts_at)
    session.material_kind = (
        Session.MaterialKind.TEXT
        if session.material_text
        else (session.material_kind if session.material_file else "")
    )
    chosen = list(session.venues.all()) if venues is None else list(venues)
    _check_session(session, chosen)
    session.save()
    if venues is not None:
        session.venues.set(chosen)
    audit.record(
        actor=actor,
        action=Action.TRAININGS_SESSION_UPDATED,
        obj=session,
        data={"fields": sorted(changes) + (["venues"] if venues is not None else [])},
    )
    return session


@transaction.atomic
def session_cancel(*, actor: Actor, session: Session) -> Session:
    _may_manage(actor, session.programme)
    if session.cancelled:
        raise ValidationError(_("This session was cancelled."))
    if unscoped(Attendance, why=Unscoped.SYSTEM).filter(session=session).exists():
        raise ValidationError(_("Attendance is recorded at this session: it cannot be cancelled."))
    session.cancelled = True
    session.save(update_fields=["cancelled"])
    audit.record(actor=actor, action=Action.TRAININGS_SESSION_CANCELLED, obj=session)
    return session


@transaction.atomic
def hours_requirement_set(
    *, actor: Actor, town: Place, year: int, member_hours: int, secretary_hours: int
) -> HoursRequirement:
    """The town's yearly study hours (instead of the defaults 32 and 56): set by whoever
    manages trainings and reaches the town or its Party committee (the officer's anchor)."""
    require(actor, Cap.MANAGE_TRAINING)
    if not Organization.objects.visible_to(actor).filter(town=town).exists():
        require_reach(actor, town)
    errors: dict[str, list[str]] = {}
    for name, value in (("member_hours", member_hours), ("secretary_hours", secretary_hours)):
        if not 1 <= int(value) <= 500:
            errors[name] = [_("Between 1 and 500 hours.")]
    if not 2000 <= int(year) <= 2100:
        errors["year"] = [_("A year such as 2026.")]
    if errors:
        raise ValidationError(errors)
    row, _created = HoursRequirement.objects.update_or_create(
        town=town,
        year=year,
        defaults={"member_hours": member_hours, "secretary_hours": secretary_hours},
    )
    audit.record(
        actor=actor,
        action=Action.TRAININGS_HOURS_SET,
        obj=row,
        data={"year": year, "member_hours": member_hours, "secretary_hours": secretary_hours},
    )
    return row
