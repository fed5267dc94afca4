"""Every write to a case: keyword-only, actor first, atomic, one event each.

Each transition locks the case row (select_for_update), checks the transition
table (`workflow.check`) against the locked state, changes fields, and writes
the typed event and audit row in the same transaction. Notices are recorded by
`notify` in that transaction too (delivery happens after commit).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import RoleAssignment, User
from grassroots.cases import deadlines, permissions, workflow
from grassroots.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseIntake,
    CasePhoto,
    CaseSummons,
    Category,
    Channel,
    Closure,
    IntakeStatus,
    Priority,
    Status,
    new_tracking_code,
)
from grassroots.cases.photos import clean_photos
from grassroots.core import clock, personal, rows
from grassroots.core.memo import Memo
from grassroots.core.roles import Role
from grassroots.core.scoping import scope_for
from grassroots.grid.models import Household, Place, Resident, Visit

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- recipients


def users_at(place: Place | None, roles: Iterable[str]) -> list[int]:
    """Users holding one of `roles` anchored exactly at `place` (or at its organisation)."""
    if place is None:
        return []
    return list(
        RoleAssignment.objects.filter(active=True, role__in=list(roles))
        .filter(Q(place=place) | Q(organization__place=place))
        .values_list("user_id", flat=True)
        .distinct()
    )


# Who dispatches at each level, remembered briefly: read for every new case.
DISPATCHERS: Memo[int, tuple[int, ...]] = Memo("dispatchers", ttl=30.0)


def dispatchers_at(place: Place | None) -> list[int]:
    if place is None:
        return []
    return list(
        DISPATCHERS.get(place.pk, lambda _pk: tuple(users_at(place, permissions.DISPATCH_ROLES)))
        or ()
    )


def handler_recipients(case: Case) -> list[int]:
    if case.handler_id:
        return [case.handler_id]
    if case.handler_place_id:
        return users_at(case.handler_place, [Role.HANDLER, Role.SECRETARY])
    return dispatchers_at(case.owner_place)


def key_prefix(case: Case) -> str:
    # A reopened case starts a new round of warnings and escalations.
    return f"case:{case.pk}" if not case.reopen_count else f"case:{case.pk}:r{case.reopen_count}"


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def send(
    case: Case, recipients: Iterable[int | Any], *, kind: str, title: str, key: str | None
) -> int:
    from grassroots.notify.services import notify

    return notify(
        recipients=recipients,
        kind=f"case.{kind}",
        title=title,
        body=case.text[:200],
        url=case_url(case),
        key=key,
        obj=case,
    )


# ---------------------------------------------------------------- places


def village_path_of(place_path: str, town_path: str) -> str:
    return place_path[: len(town_path) + Place.steplen] if len(place_path) > len(town_path) else ""


def town_and_owner(place: Place) -> tuple[Place, Place]:
    """The place's town and the level that owns a case filed there (its village, else the town).

    Both come from the place memo (`grid.selectors.place_by_path`): no query
    once a worker has seen them.
    """
    from grassroots.grid.selectors import place_by_path

    town_path = place.town_path()
    if not town_path:
        raise ValidationError(_("Cases are filed in a town or below."))
    village_path = village_path_of(place.path, town_path)
    town = place if place.path == town_path else place_by_path(town_path)
    if not village_path:
        return town, town
    owner = place if place.path == village_path else place_by_path(village_path)
    return town, owner or town


def escalation_chain(case: Case) -> list[Place]:
    """Grid levels above the handling level, nearest first, ending at the town."""
    town_path = case.town.path
    paths = []
    village = village_path_of(case.place_path, town_path)
    if village and case.owner_place.path != town_path:
        paths.append(village)
    paths.append(town_path)
    by_path = {p.path: p for p in Place.objects.filter(path__in=paths)}
    return [by_path[p] for p in paths if p in by_path]


# ---------------------------------------------------------------- submit


@dataclass(frozen=True)
class Filing:
    text: str
    place: Place
    household: Household | None
    channel: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    media_url: str = ""


def _coordinate(value: Any, bound: int, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not -bound <= number <= bound:
        raise ValidationError({field: _("Give WGS84 decimal degrees.")})
    return number


def check_filing(
    *,
    actor: Any,
    text: str,
    place: Place | None = None,
    household: Household | None = None,
    resident: Resident | None = None,
    channel: str | None = None,
    priority: str | None = None,
    latitude: Any = None,
    longitude: Any = None,
    media_url: str = "",
    visit: Visit | None = None,
) -> Filing:
    """What every filing must satisfy, queued or not; raises ValidationError or PermissionDenied.

    Staff channels (visit, phone, walk-in) require the place to be in the
    actor's scope; the public channels (self-service, API) may file anywhere.
    """
    text = (text or "").strip()
    if len(text) < 4:
        raise ValidationError({"text": _("Describe the problem in a few words.")})
    if resident is not None and household is None:
        household = resident.household
    if household is not None:
        place = household.place
    if place is None:
        raise ValidationError({"place": _("Choose where the problem is.")})
    if priority and priority not in Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    authenticated = getattr(actor, "is_authenticated", False)
    if channel is None:
        if not authenticated:
            channel = Channel.SELF_SERVICE
        elif scope_for(actor).representative_ids:
            channel = Channel.VISIT
        else:
            channel = Channel.PHONE
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    if channel not in (Channel.SELF_SERVICE, Channel.API):
        if not authenticated:
            raise PermissionDenied(_("Log in to file a case on this channel."))
        if household is not None:
            if not Household.objects.visible_to(actor).filter(pk=household.pk).exists():
                raise PermissionDenied(_("This household is outside your scope."))
        elif not scope_for(actor).covers_place_path(place.path):
            raise PermissionDenied(_("This place is outside your scope."))
    lat = _coordinate(latitude, 90, "latitude")
    lon = _coordinate(longitude, 180, "longitude")
    if (lat is None) != (lon is None):
        raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})
    media_url = (media_url or "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise ValidationError({"media_url": _("Give a web address (http or https).")}) from None
    if visit is not None and (household is None or visit.household_id != household.pk):
        raise ValidationError({"visit": _("The visit is not one of this household's.")})
    return Filing(
        text=text,
        place=place,
        household=household,
        channel=channel,
        latitude=lat,
        longitude=lon,
        media_url=media_url[:500],
    )


def case_submit(
    *,
    actor: Any,
    text: str,
    category: Category | None = None,
    priority: str | None = None,
    place: Place | None = None,
    household: Household | None = None,
    resident: Resident | None = None,
    channel: str | None = None,
    title: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    affected_households: int = 1,
    photos: Sequence[Any] = (),
    is_demo: bool = False,
    announce_now: bool = False,
    code: str | None = None,
    received_at: dt.datetime | None = None,
    sealed_phone: dict[str, str] | None = None,
    latitude: Any = None,
    longitude: Any = None,
    location_accuracy_m: int | None = None,
    media_url: str = "",
    visit: Visit | None = None,
) -> Case:
    """File a case. `actor` may be None (resident self-service) or an API user.

    What the filing must satisfy is `check_filing`'s (scope, text, position).

    Everything that only reads (checks, the owning level) happens before the
    transaction; the transaction holds just the writes: the case, its photos,
    one event and one audit row. On SQLite a write transaction locks the whole
    database, so a short one is what lets several workers file at once. The
    dispatchers are told by the worker once the filing has committed
    (`case_announce`, decision 0007); `announce_now` does it in the same
    transaction instead (the demo, which files its history at past instants).

    A filing queued by `case_intake` arrives here from the worker with its
    tracking `code`, its `received_at` (the deadlines run from then) and the
    phone already sealed.
    """
    filing = check_filing(
        actor=actor,
        text=text,
        place=place,
        household=household,
        resident=resident,
        channel=channel,
        priority=priority,
        latitude=latitude,
        longitude=longitude,
        media_url=media_url,
        visit=visit,
    )
    text, place, household, channel = filing.text, filing.place, filing.household, filing.channel
    authenticated = getattr(actor, "is_authenticated", False)
    town, owner = town_and_owner(place)
    if category is None:
        from grassroots.cases.suggest import suggest_category

        category = suggest_category(text, town=town)
    priority = priority or category.default_priority
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    cleaned_photos = clean_photos(photos)
    now = received_at or clock.now()
    hours, days = category.limits_for(priority)
    due = deadlines.compute(now, hours, days)
    # The actor's active representative comes from the scope computed above (or
    # now, once per request), not from another query on the Representative table.
    rep_ids = scope_for(actor).representative_ids if authenticated else ()
    case = Case(
        code=code or new_tracking_code(),
        town=town,
        place=place,
        place_path=place.path,
        household=household,
        resident=resident,
        reporter_name=(reporter_name or (household.head_name if household else ""))[:50],
        reporter_representative_id=rep_ids[0] if rep_ids else None,
        submitted_by=actor if authenticated else None,
        channel=channel,
        category=category,
        title=(title or text[:30])[:100],
        text=text,
        priority=priority,
        affected_households=max(1, int(affected_households or 1)),
        owner_place=owner,
        submitted_at=now,
        response_due_at=due.response_due_at,
        resolve_due_at=due.resolve_due_at,
        warn_at=due.warn_at,
        escalate_at=due.resolve_due_at,
        latitude=filing.latitude,
        longitude=filing.longitude,
        location_accuracy_m=location_accuracy_m if filing.latitude is not None else None,
        media_url=filing.media_url,
        visit=visit,
        is_demo=is_demo,
    )
    if sealed_phone:
        for suffix, value in sealed_phone.items():
            setattr(case, "reporter_phone" + suffix, value)
    elif reporter_phone:
        from grassroots.grid.services import clean_phone

        personal.assign(case, "reporter_phone", "phone", clean_phone(reporter_phone))
    event, audit_row = workflow.build_event(
        case,
        "submit",
        actor,
        to_status=Status.SUBMITTED,
        data={"channel": channel, "category": category.code, "priority": priority},
        at=now,
    )
    family = [(event, "case_id", rows.FK), (audit_row, "object_id", rows.TEXT)]
    if not cleaned_photos and not announce_now:
        # The usual filing: one atomic statement on PostgreSQL (core.rows).
        rows.insert_family(case, family)
        return case
    if announce_now:
        # Announced with its creation: no other worker can see it unannounced.
        case.announced_at = now
    # No savepoint of its own: a failure here is the caller's to roll back
    # (the intake worker keeps one savepoint per filing).
    with transaction.atomic(savepoint=False):
        rows.insert_family(case, family)
        for f in cleaned_photos:
            CasePhoto.objects.create(case=case, file=f, uploaded_at=now)
        if announce_now:
            _announce(case)
    return case


def case_announce(case_id: int, now: dt.datetime | None = None) -> bool:
    """Tell the dispatchers of the owning level about a new case, exactly once.

    Runs in the worker (`sweeps.sweep_announcements`, polled every two
    seconds) once the filing has committed (decision 0007). The claim (a
    conditional UPDATE of `announced_at`) commits with the notices, so two
    workers racing on the same case, or a worker killed half way, never
    announce it twice or lose it. True when this call made the announcement.
    """
    now = now or clock.now()
    with transaction.atomic():
        claimed = Case.objects.filter(pk=case_id, announced_at__isnull=True).update(
            announced_at=now
        )
        if not claimed:
            return False
        _announce(Case.objects.select_related("owner_place").get(pk=case_id))
    return True


def _announce(case: Case) -> None:
    send(
        case,
        dispatchers_at(case.owner_place),
        kind="submitted",
        title=_("New case %(code)s: %(title)s") % {"code": case.code, "title": case.title},
        key=f"case:{case.pk}:submitted",
    )


# ---------------------------------------------------------------- queued intake


def case_intake(
    *,
    actor: Any,
    text: str,
    category: Category | None = None,
    priority: str | None = None,
    place: Place | None = None,
    household: Household | None = None,
    channel: str | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    affected_households: int = 1,
    latitude: Any = None,
    longitude: Any = None,
    location_accuracy_m: int | None = None,
    media_url: str = "",
) -> CaseIntake:
    """Accept a filing into the queue: the checks of `case_submit`, then one INSERT.

    The worker registers it as a case within seconds (`intake_process`), with
    the tracking code returned here. Decision 0007.
    """
    filing = check_filing(
        actor=actor,
        text=text,
        place=place,
        household=household,
        channel=channel,
        priority=priority,
        latitude=latitude,
        longitude=longitude,
        media_url=media_url,
    )
    town_and_owner(filing.place)  # refuses a place above the towns now, not in the worker
    payload: dict[str, Any] = {
        "text": filing.text,
        "place": filing.place.pk,
        "household": filing.household.pk if filing.household else None,
        "channel": filing.channel,
        "category": category.pk if category else None,
        "priority": priority or None,
        "affected_households": max(1, int(affected_households or 1)),
        "reporter_name": reporter_name[:50],
    }
    if filing.latitude is not None:
        payload["position"] = [
            str(filing.latitude),
            str(filing.longitude),
            location_accuracy_m,
        ]
    if filing.media_url:
        payload["media_url"] = filing.media_url
    if reporter_phone:
        from grassroots.grid.services import clean_phone

        payload["reporter_phone"] = personal.seal("phone", clean_phone(reporter_phone))
    authenticated = getattr(actor, "is_authenticated", False)
    intake = CaseIntake(
        code=new_tracking_code(),
        actor=actor if authenticated else None,
        received_at=clock.now(),
        payload=payload,
    )
    rows.insert_family(intake)
    return intake


INTAKE_BATCH = 200


def intake_process(limit: int = INTAKE_BATCH) -> int:
    """Register up to `limit` queued filings as cases; return how many were taken.

    One transaction: the batch is locked (other workers skip it), each filing
    becomes its case (timeline, audit, announcement) under a savepoint and its
    queue row is deleted; a filing that can no longer be accepted stays, marked
    failed with the reason. A worker killed half way leaves the whole batch
    waiting; a filing is never registered twice.
    """
    now = clock.now()
    with transaction.atomic():
        batch = list(
            CaseIntake.objects.select_for_update(skip_locked=True)
            .filter(status=IntakeStatus.PENDING)
            .order_by("received_at")[:limit]
        )
        if not batch:
            return 0
        data = [intake.payload if isinstance(intake.payload, dict) else {} for intake in batch]
        actors = User.objects.in_bulk(_ids(i.actor_id for i in batch))
        places = Place.objects.in_bulk(_ids(d.get("place") for d in data))
        households = Household.objects.select_related("place").in_bulk(
            _ids(d.get("household") for d in data)
        )
        categories = Category.objects.select_related("parent").in_bulk(
            _ids(d.get("category") for d in data)
        )
        registered: list[str] = []
        failed: list[CaseIntake] = []
        for intake, d in zip(batch, data, strict=True):
            try:
                with transaction.atomic():
                    if intake.actor_id and intake.actor_id not in actors:
                        raise PermissionDenied(_("The account that filed this no longer exists."))
                    case_submit(
                        actor=actors.get(intake.actor_id),
                        text=d["text"],
                        category=categories.get(d.get("category")),
                        priority=d.get("priority"),
                        place=places.get(d.get("place")),
                        household=households.get(d.get("household")),
                        channel=d["channel"],
                        reporter_name=d.get("reporter_name", ""),
                        sealed_phone=d.get("reporter_phone"),
                        affected_households=d.get("affected_households", 1),
                        code=intake.code,
                        received_at=intake.received_at,
                        announce_now=True,
                        **_position(d),
                    )
            except (ValidationError, PermissionDenied, IntegrityError) as exc:
                intake.error = "; ".join(getattr(exc, "messages", None) or [str(exc)])[:300]
                failed.append(intake)
            except DatabaseError:
                # The database, not the filing (down, locked, mid-deploy): the
                # whole batch rolls back and stays waiting for the next pass.
                raise
            except Exception:
                # A filing the worker cannot read must not block the queue behind it.
                logger.exception("queued filing %s could not be registered", intake.code)
                intake.error = _("The filing could not be read; please file it again.")
                failed.append(intake)
            else:
                registered.append(intake.code)
        CaseIntake.objects.filter(code__in=registered).delete()
        for intake in failed:
            intake.status, intake.processed_at = IntakeStatus.FAILED, now
        CaseIntake.objects.bulk_update(failed, ["status", "error", "processed_at"])
    return len(batch)


def _position(filing: dict[str, Any]) -> dict[str, Any]:
    lat, lon, accuracy = (filing.get("position") or [None, None, None])[:3]
    return {
        "latitude": lat,
        "longitude": lon,
        "location_accuracy_m": accuracy,
        "media_url": filing.get("media_url", ""),
    }


def _ids(values: Iterable[Any]) -> set[int]:
    return {v for v in values if type(v) is int}


def intake_drain() -> int:
    """Process the queue until it is empty (the worker's poller); return the filings taken."""
    total = 0
    while True:
        taken = intake_process()
        total += taken
        if taken < INTAKE_BATCH:
            return total


# ---------------------------------------------------------------- transitions


def _lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("town", "owner_place", "handler_place", "household")
        .get(pk=case.pk)
    )


def _refresh(case: Case, locked: Case) -> Case:
    # Hand the caller's object the new state too.
    case.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


@transaction.atomic
def case_accept(*, actor: Any, case: Case, note: str = "") -> Case:
    locked = _lock(case)
    to = workflow.check(locked, "accept", actor)
    locked.responded_at = locked.responded_at or clock.now()
    workflow.apply(locked, "accept", actor, to=to, note=note, fields=["responded_at"])
    return _refresh(case, locked)


@transaction.atomic
def case_reject(*, actor: Any, case: Case, reason: str) -> Case:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for rejecting.")})
    locked = _lock(case)
    to = workflow.check(locked, "reject", actor)
    now = clock.now()
    locked.responded_at = locked.responded_at or now
    locked.rejection_reason = reason[:200]
    locked.closed_at = now
    locked.warn_at = locked.escalate_at = None
    workflow.apply(
        locked,
        "reject",
        actor,
        to=to,
        note=reason,
        fields=["responded_at", "rejection_reason", "closed_at", "warn_at", "escalate_at"],
    )
    return _refresh(case, locked)


def _check_handler(handler: User | None, handler_place: Place | None, case: Case) -> None:
    if handler is None and handler_place is None:
        raise ValidationError({"handler": _("Choose a handler: a person or a unit.")})
    if handler is not None and not handler.is_active:
        raise ValidationError({"handler": _("This account is not active.")})
    if handler_place is not None and not handler_place.path.startswith(case.town.path):
        raise ValidationError({"handler_place": _("The unit must belong to the case's town.")})


HANDOVER_FIELDS = ("handler_due_at", "assign_round", "assigned_by")


def _assign_fields(
    locked: Case, handler: User | None, handler_place: Place | None, actor: Any
) -> dict:
    """Hand the case over; the new handler has one working day to take or return it."""
    before = {"handler": locked.handler_id, "handler_place": locked.handler_place_id}
    locked.handler = handler
    locked.handler_place = handler_place
    locked.handler_due_at = deadlines.handler_due(clock.now())
    locked.assign_round += 1
    locked.assigned_by = actor if getattr(actor, "is_authenticated", False) else None
    return {
        "from": before,
        "to": {
            "handler": getattr(handler, "pk", None),
            "handler_place": getattr(handler_place, "pk", None),
        },
        "round": locked.assign_round,
        "handler_due_at": locked.handler_due_at.isoformat(),
    }


@transaction.atomic
def case_assign(
    *,
    actor: Any,
    case: Case,
    handler: User | None = None,
    handler_place: Place | None = None,
    note: str = "",
) -> Case:
    locked = _lock(case)
    to = workflow.check(locked, "assign", actor)
    _check_handler(handler, handler_place, locked)
    data = _assign_fields(locked, handler, handler_place, actor)
    locked.responded_at = locked.responded_at or clock.now()
    workflow.apply(
        locked,
        "assign",
        actor,
        to=to,
        note=note,
        data=data,
        fields=["handler", "handler_place", "responded_at", *HANDOVER_FIELDS],
    )
    send(
        locked,
        handler_recipients(locked),
        kind="assigned",
        title=_("Case %(code)s assigned to you") % {"code": locked.code},
        key=None,
    )
    return _refresh(case, locked)


@transaction.atomic
def case_transfer(
    *,
    actor: Any,
    case: Case,
    handler: User | None = None,
    handler_place: Place | None = None,
    note: str = "",
) -> Case:
    """Hand the case to another handler; the event keeps both sides."""
    locked = _lock(case)
    to = workflow.check(locked, "transfer", actor)
    _check_handler(handler, handler_place, locked)
    data = _assign_fields(locked, handler, handler_place, actor)
    workflow.apply(
        locked,
        "transfer",
        actor,
        to=to,
        note=note,
        data=data,
        fields=["handler", "handler_place", *HANDOVER_FIELDS],
    )
    send(
        locked,
        handler_recipients(locked),
        kind="assigned",
        title=_("Case %(code)s assigned to you") % {"code": locked.code},
        key=None,
    )
    return _refresh(case, locked)


@transaction.atomic
def case_take(*, actor: Any, case: Case, note: str = "") -> Case:
    locked = _lock(case)
    to = workflow.check(locked, "take", actor)
    locked.handler_due_at = None  # answered in time or late: nothing left to chase
    workflow.apply(locked, "take", actor, to=to, note=note, fields=["handler_due_at"])
    return _refresh(case, locked)


@transaction.atomic
def case_return(*, actor: Any, case: Case, reason: str) -> Case:
    """The handler gives the case back; after MAX_RETURNS the town designates."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for returning the case.")})
    locked = _lock(case)
    to = workflow.check(locked, "return", actor)
    locked.return_count = F("return_count") + 1
    locked.handler = None
    locked.handler_place = None
    locked.handler_due_at = None
    workflow.apply(
        locked,
        "return",
        actor,
        to=to,
        note=reason,
        fields=["return_count", "handler", "handler_place", "handler_due_at"],
    )
    locked.refresh_from_db(fields=["return_count"])
    if locked.return_count >= deadlines.MAX_RETURNS and locked.owner_place_id != locked.town_id:
        _move_to_town(locked, reason=_("Returned %(n)d times") % {"n": locked.return_count})
    return _refresh(case, locked)


def _move_to_town(locked: Case, *, reason: str) -> None:
    locked.owner_place = locked.town
    locked.save(update_fields=["owner_place", "updated_at"])
    workflow.record_event(locked, "to_town", None, note=reason)
    send(
        locked,
        dispatchers_at(locked.town),
        kind="to_town",
        title=_("Case %(code)s needs the town to designate a handler") % {"code": locked.code},
        key=f"{key_prefix(locked)}:to_town:{locked.return_count}",
    )


@transaction.atomic
def case_request_suspension(*, actor: Any, case: Case, until: dt.date, reason: str) -> Case:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the suspension.")})
    if until is None or until <= clock.today():
        raise ValidationError({"until": _("The suspension must end after today.")})
    locked = _lock(case)
    to = workflow.check(locked, "request_suspension", actor)
    locked.suspension_requested = True
    locked.suspended_until = until
    locked.suspension_reason = reason[:200]
    workflow.apply(
        locked,
        "request_suspension",
        actor,
        to=to,
        note=reason,
        data={"until": until.isoformat()},
        fields=["suspension_requested", "suspended_until", "suspension_reason"],
    )
    send(
        locked,
        dispatchers_at(locked.owner_place),
        kind="suspension_requested",
        title=_("Case %(code)s: suspension requested") % {"code": locked.code},
        key=None,
    )
    return _refresh(case, locked)


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


@transaction.atomic
def case_approve_suspension(*, actor: Any, case: Case, note: str = "") -> Case:
    """Stop the clock until the end date; the sweep resumes it then."""
    locked = _lock(case)
    to = workflow.check(locked, "approve_suspension", actor)
    data = {
        "until": locked.suspended_until.isoformat(),
        "warn_at": locked.warn_at.isoformat() if locked.warn_at else None,
        "escalate_at": locked.escalate_at.isoformat() if locked.escalate_at else None,
    }
    locked.suspension_requested = False
    locked.suspended_at = clock.now()
    locked.warn_at = None
    locked.escalate_at = _end_of(locked.suspended_until)  # auto-resume instant
    workflow.apply(
        locked,
        "approve_suspension",
        actor,
        to=to,
        note=note,
        data=data,
        fields=["suspension_requested", "suspended_at", "warn_at", "escalate_at"],
    )
    return _refresh(case, locked)


@transaction.atomic
def case_deny_suspension(*, actor: Any, case: Case, note: str = "") -> Case:
    locked = _lock(case)
    to = workflow.check(locked, "deny_suspension", actor)
    locked.suspension_requested = False
    locked.suspended_until = None
    workflow.apply(
        locked,
        "deny_suspension",
        actor,
        to=to,
        note=note,
        fields=["suspension_requested", "suspended_until"],
    )
    return _refresh(case, locked)


def _resume(locked: Case, actor: Any, note: str) -> None:
    """Move every deadline by the working time the case spent suspended."""
    now = clock.now()
    paused = deadlines.working_time_between(locked.suspended_at, now)
    approval = (
        CaseEvent.objects.filter(case=locked, kind="approve_suspension")
        .order_by("-at", "-id")
        .first()
    )
    saved = approval.data if approval else {}

    def restored(name: str) -> dt.datetime | None:
        value = saved.get(name)
        return deadlines.shift(dt.datetime.fromisoformat(value), paused) if value else None

    locked.response_due_at = deadlines.shift(locked.response_due_at, paused)
    locked.resolve_due_at = deadlines.shift(locked.resolve_due_at, paused)
    locked.warn_at = restored("warn_at")
    locked.escalate_at = restored("escalate_at")
    locked.suspended_at = None
    workflow.apply(
        locked,
        "resume",
        actor,
        to=Status.IN_PROGRESS,
        note=note,
        data={"paused_working_days": round(paused / deadlines.DAY, 2)},
        fields=[
            "response_due_at",
            "resolve_due_at",
            "warn_at",
            "escalate_at",
            "suspended_at",
        ],
    )


@transaction.atomic
def case_resume(*, actor: Any, case: Case, note: str = "") -> Case:
    locked = _lock(case)
    workflow.check(locked, "resume", actor)
    _resume(locked, actor, note)
    return _refresh(case, locked)


@transaction.atomic
def case_reply(*, actor: Any, case: Case, reply: str) -> Case:
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": _("Write the answer to the resident.")})
    locked = _lock(case)
    to = workflow.check(locked, "reply", actor)
    locked.reply = reply
    locked.replied_at = clock.now()
    # The resolution clock stops at the answer; the call-back has no deadline sweep.
    locked.warn_at = locked.escalate_at = None
    workflow.apply(
        locked,
        "reply",
        actor,
        to=to,
        note=reply,
        fields=["reply", "replied_at", "warn_at", "escalate_at"],
    )
    recipients = []
    if locked.reporter_representative_id and locked.reporter_representative.user_id:
        recipients.append(locked.reporter_representative.user_id)
    elif locked.household and locked.household.representative_id:
        rep = locked.household.representative
        if rep.user_id:
            recipients.append(rep.user_id)
    send(
        locked,
        recipients or dispatchers_at(locked.owner_place),
        kind="replied",
        title=_("Case %(code)s answered: please call back") % {"code": locked.code},
        key=None,
    )
    return _refresh(case, locked)


@transaction.atomic
def case_call_back(
    *,
    actor: Any,
    case: Case,
    solved: bool,
    satisfied: bool,
    closure: str = Closure.RESOLVED,
    note: str = "",
) -> Case:
    """回访: satisfied → closed with a closure type; not satisfied → rework."""
    locked = _lock(case)
    action = "close" if satisfied else "rework"
    to = workflow.check(locked, action, actor)
    locked.solved = solved
    locked.satisfied = satisfied
    data = {"solved": solved, "satisfied": satisfied}
    fields = ["solved", "satisfied"]
    if satisfied:
        if closure not in Closure.values:
            raise ValidationError({"closure": _("Choose how the case was closed.")})
        locked.closure = closure
        locked.closed_at = clock.now()
        data["closure"] = closure
        fields += ["closure", "closed_at"]
    else:
        locked.rework_count = F("rework_count") + 1
        locked.replied_at = None
        # Back on the clock: the original deadline still holds (it may be overdue).
        locked.escalate_at = _rearm_escalation(locked)
        fields += ["rework_count", "replied_at", "escalate_at"]
        send(
            locked,
            handler_recipients(locked),
            kind="rework",
            title=_("Case %(code)s: resident not satisfied, rework") % {"code": locked.code},
            key=None,
        )
    workflow.apply(locked, action, actor, to=to, note=note, data=data, fields=fields)
    locked.refresh_from_db(fields=["rework_count"])
    return _refresh(case, locked)


def _rearm_escalation(locked: Case) -> dt.datetime | None:
    if locked.escalation_level == 0:
        return locked.resolve_due_at
    if locked.escalation_level >= len(escalation_chain(locked)):
        return None
    return deadlines.next_escalation(max(locked.resolve_due_at, clock.now()))


@transaction.atomic
def case_withdraw(*, actor: Any, case: Case, closure: str, note: str = "") -> Case:
    """Close without handling: withdrawn, duplicate, or not our responsibility."""
    if closure not in (Closure.WITHDRAWN, Closure.DUPLICATE, Closure.NOT_OURS, Closure.EXPLAINED):
        raise ValidationError({"closure": _("Choose why the case is closed.")})
    locked = _lock(case)
    to = workflow.check(locked, "withdraw", actor)
    now = clock.now()
    locked.closure = closure
    locked.closed_at = now
    locked.responded_at = locked.responded_at or now
    locked.warn_at = locked.escalate_at = locked.handler_due_at = None
    workflow.apply(
        locked,
        "withdraw",
        actor,
        to=to,
        note=note,
        data={"closure": closure},
        fields=[
            "closure",
            "closed_at",
            "responded_at",
            "warn_at",
            "escalate_at",
            "handler_due_at",
        ],
    )
    return _refresh(case, locked)


@transaction.atomic
def case_reopen(*, actor: Any, case: Case, note: str) -> Case:
    """A closed case comes back with a fresh resolution window; twice → the town."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the case is reopened.")})
    locked = _lock(case)
    count = locked.reopen_count + 1
    to_town = count >= deadlines.MAX_REOPENS or (
        locked.handler_id is None and locked.handler_place_id is None
    )
    target = Status.ACCEPTED if to_town else Status.IN_PROGRESS
    to = workflow.check(locked, "reopen", actor, to=target)
    now = clock.now()
    hours, days = locked.category.limits_for(locked.priority)
    due = deadlines.compute(now, hours, days)
    locked.reopen_count = count
    locked.closed_at = None
    locked.closure = ""
    locked.replied_at = None
    locked.satisfied = locked.solved = None
    locked.resolve_due_at = due.resolve_due_at
    locked.warn_at = due.warn_at
    locked.warned_at = None
    locked.escalate_at = due.resolve_due_at
    locked.escalation_level = 0
    fields = [
        "reopen_count",
        "closed_at",
        "closure",
        "replied_at",
        "satisfied",
        "solved",
        "resolve_due_at",
        "warn_at",
        "warned_at",
        "escalate_at",
        "escalation_level",
    ]
    if to_town and count >= deadlines.MAX_REOPENS:
        locked.owner_place = locked.town
        locked.handler = None
        locked.handler_place = None
        fields += ["owner_place", "handler", "handler_place"]
    workflow.apply(locked, "reopen", actor, to=to, note=note, data={"count": count}, fields=fields)
    if to == Status.ACCEPTED:
        send(
            locked,
            dispatchers_at(locked.owner_place),
            kind="reopened",
            title=_("Case %(code)s reopened: designate a handler") % {"code": locked.code},
            key=f"case:{locked.pk}:reopen:{count}",
        )
    else:
        send(
            locked,
            handler_recipients(locked),
            kind="reopened",
            title=_("Case %(code)s reopened") % {"code": locked.code},
            key=f"case:{locked.pk}:reopen:{count}",
        )
    return _refresh(case, locked)


@transaction.atomic
def case_supervise(*, actor: Any, case: Case, note: str = "") -> Case:
    locked = _lock(case)
    to = workflow.check(locked, "supervise", actor)
    locked.supervised = True
    workflow.apply(locked, "supervise", actor, to=to, note=note, fields=["supervised"])
    send(
        locked,
        handler_recipients(locked),
        kind="supervised",
        title=_("Case %(code)s is under supervision (督办)") % {"code": locked.code},
        key=None,
    )
    return _refresh(case, locked)


@transaction.atomic
def case_whistle(
    *,
    actor: Any,
    case: Case,
    users: Sequence[User] = (),
    places: Sequence[Place] = (),
    note: str = "",
) -> list[CaseSummons]:
    """吹哨: the town summons several units; each must report (报到)."""
    if not users and not places:
        raise ValidationError({"users": _("Choose at least one unit to summon.")})
    locked = _lock(case)
    to = workflow.check(locked, "whistle", actor)
    now = clock.now()
    rows = [CaseSummons(case=locked, user=u, summoned_at=now) for u in users]
    rows += [CaseSummons(case=locked, place=p, summoned_at=now) for p in places]
    for p in places:
        if not p.path.startswith(locked.town.path):
            raise ValidationError({"places": _("The unit must belong to the case's town.")})
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
        kind="whistle",
        title=_("Whistle on case %(code)s: report now (报到)") % {"code": locked.code},
        key=f"case:{locked.pk}:whistle:{now.timestamp():.0f}",
    )
    return list(CaseSummons.objects.filter(case=locked, summoned_at=now))


@transaction.atomic
def case_acknowledge(*, actor: Any, summons: CaseSummons, note: str = "") -> CaseSummons:
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
    if locked.acknowledged_at is None:
        locked.acknowledged_at = clock.now()
        locked.acknowledged_by = actor
        locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
        workflow.record_event(
            locked.case, "acknowledge", actor, note=note, data={"summons": locked.pk}
        )
    return locked


@transaction.atomic
def case_me_too(
    *, actor: Any, case: Case, household: Household | None = None, note: str = ""
) -> Case:
    """Join an open case instead of filing a duplicate: one more affected household."""
    locked = _lock(case)
    if locked.status not in OPEN_STATUSES:
        raise ValidationError(_("Only an open case can be joined."))
    Case.objects.filter(pk=locked.pk).update(affected_households=F("affected_households") + 1)
    locked.refresh_from_db(fields=["affected_households"])
    workflow.record_event(
        locked,
        "me_too",
        actor,
        note=note,
        data={"household": getattr(household, "pk", None)},
    )
    return _refresh(case, locked)


@transaction.atomic
def case_rate(*, actor: Any, case: Case, rating: int, comment: str = "") -> Case:
    """The resident rates the answer from the tracking page (no account)."""
    if rating not in (1, 2, 3, 4, 5):
        raise ValidationError({"rating": _("Rate from 1 to 5.")})
    locked = _lock(case)
    if locked.status not in (Status.REPLIED, Status.CLOSED):
        raise ValidationError(_("The case can be rated once it is answered."))
    locked.rating = rating
    locked.rating_comment = (comment or "").strip()[:200]
    locked.save(update_fields=["rating", "rating_comment", "updated_at"])
    workflow.record_event(locked, "rate", actor, data={"rating": rating})
    return _refresh(case, locked)


# ------------------------------------------------------------ one entry point

ACTIONS: dict[str, Any] = {
    "accept": case_accept,
    "reject": case_reject,
    "assign": case_assign,
    "transfer": case_transfer,
    "take": case_take,
    "return": case_return,
    "request_suspension": case_request_suspension,
    "approve_suspension": case_approve_suspension,
    "deny_suspension": case_deny_suspension,
    "resume": case_resume,
    "reply": case_reply,
    "close": lambda **kw: case_call_back(**{"solved": True, **kw, "satisfied": True}),
    "rework": lambda **kw: case_call_back(**{"solved": False, **kw, "satisfied": False}),
    "withdraw": case_withdraw,
    "reopen": case_reopen,
    "supervise": case_supervise,
    "whistle": case_whistle,
}


def perform(*, actor: Any, case: Case, action: str, **params: Any) -> Any:
    """Run a named transition (pages and API). Unknown names list the allowed ones."""
    func = ACTIONS.get(action)
    if func is None:
        workflow.check(case, action, actor)  # raises with the allowed list
    return func(actor=actor, case=case, **params)
