"""Filing a case: the checks every filing passes, filing now, queuing a filing
for the worker, announcing a new case, and joining an open one ("me too").

The worker's side of the queue (registering queued filings) is `intake.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from grassroots.cases import deadlines, notices, workflow
from grassroots.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseIntake,
    CasePhoto,
    Category,
    Channel,
    Priority,
    Status,
    new_tracking_code,
)
from grassroots.cases.photos import clean_photos
from grassroots.cases.services.levels import town_and_owner
from grassroots.cases.services.locks import lock, refresh
from grassroots.cases.services.recipients import dispatchers_at, send
from grassroots.cases.suggest import suggest_category
from grassroots.core import clock, personal, rows
from grassroots.core.actors import Actor, acting_user
from grassroots.core.events import Event, emit
from grassroots.core.personal import clean_phone
from grassroots.core.scoping import scope_for
from grassroots.grid.models import Household, Place, Resident, Visit


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
    actor: Actor,
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


@dataclass(frozen=True)
class Entry:
    """How a filing enters the books when it is not a live request.

    The worker registers a queued filing (`intake.py`) with the tracking `code`
    it was given, its `received_at` (the deadlines run from then) and the phone
    already sealed. `announce_now` tells the dispatchers in the same transaction
    instead of leaving it to the worker (the worker itself, and the demo, which
    files its history at past instants); `is_demo` marks demo data.
    """

    code: str | None = None
    received_at: dt.datetime | None = None
    sealed_phone: dict[str, str] | None = None
    announce_now: bool = False
    is_demo: bool = False


LIVE = Entry()


def case_submit(
    *,
    actor: Actor,
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
    latitude: Any = None,
    longitude: Any = None,
    location_accuracy_m: int | None = None,
    media_url: str = "",
    visit: Visit | None = None,
    entry: Entry = LIVE,
) -> Case:
    """File a case. `actor` may be None (resident self-service) or an API user.

    What the filing must satisfy is `check_filing`'s (scope, text, position).

    Everything that only reads (checks, the owning level) happens before the
    transaction; the transaction holds just the writes: the case, its photos,
    one event and one audit row. On SQLite a write transaction locks the whole
    database, so a short one is what lets several workers file at once. The
    dispatchers are told by the worker once the filing has committed
    (`case_announce`, decision 0007), unless `entry` says otherwise.
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
    town, owner = town_and_owner(filing.place)
    if category is None:
        category = suggest_category(filing.text, town=town)
    priority = priority or category.default_priority
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    cleaned_photos = clean_photos(photos)
    household = filing.household
    case = _new_case(
        actor,
        filing,
        entry,
        town=town,
        owner_place=owner,
        category=category,
        priority=priority,
        resident=resident,
        reporter_name=(reporter_name or (household.head_name if household else ""))[:50],
        title=(title or filing.text[:30])[:100],
        affected_households=max(1, int(affected_households or 1)),
        location_accuracy_m=location_accuracy_m if filing.latitude is not None else None,
        visit=visit,
    )
    if entry.sealed_phone:
        for suffix, value in entry.sealed_phone.items():
            setattr(case, "reporter_phone" + suffix, value)
    elif reporter_phone:
        personal.assign(case, "reporter_phone", "phone", clean_phone(reporter_phone))
    _insert(case, actor, cleaned_photos, announce_now=entry.announce_now)
    return case


def _new_case(actor: Actor, filing: Filing, entry: Entry, **fields: Any) -> Case:
    """The unsaved case with its deadlines, counted from the receipt."""
    now = entry.received_at or clock.now()
    hours, days = fields["category"].limits_for(fields["priority"])
    due = deadlines.compute(now, hours, days)
    user = acting_user(actor)
    # The actor's active representative comes from the scope computed above (or
    # now, once per request), not from another query on the Representative table.
    rep_ids = scope_for(user).representative_ids if user is not None else ()
    return Case(
        code=entry.code or new_tracking_code(),
        place=filing.place,
        place_path=filing.place.path,
        household=filing.household,
        reporter_representative_id=rep_ids[0] if rep_ids else None,
        submitted_by=user,
        channel=filing.channel,
        text=filing.text,
        submitted_at=now,
        response_due_at=due.response_due_at,
        resolve_due_at=due.resolve_due_at,
        warn_at=due.warn_at,
        escalate_at=due.resolve_due_at,
        latitude=filing.latitude,
        longitude=filing.longitude,
        media_url=filing.media_url,
        is_demo=entry.is_demo,
        **fields,
    )


def _insert(case: Case, actor: Actor, photos: Sequence[Any], *, announce_now: bool) -> None:
    """The case, its first event and audit row (and photos) in one short transaction."""
    now = case.submitted_at
    event, audit_row = workflow.build_event(
        case,
        "submit",
        actor,
        to_status=Status.SUBMITTED,
        data={"channel": case.channel, "category": case.category.code, "priority": case.priority},
        at=now,
    )
    family = [(event, "case_id", rows.FK), (audit_row, "object_id", rows.TEXT)]
    emit(Event.FIGURES_STALE, place_path=case.place_path)  # after the commit (analytics)
    if not photos and not announce_now:
        # The usual filing: one atomic statement on PostgreSQL (core.rows).
        rows.insert_family(case, family)
        return
    if announce_now:
        # Announced with its creation: no other worker can see it unannounced.
        case.announced_at = now
    # No savepoint of its own: a failure here is the caller's to roll back
    # (the intake worker keeps one savepoint per filing).
    with transaction.atomic(savepoint=False):
        rows.insert_family(case, family)
        for f in photos:
            CasePhoto.objects.create(case=case, file=f, uploaded_at=now)
        if announce_now:
            _announce(case)


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
        message=notices.SUBMITTED,
        params={"title": case.title},
        key=f"case:{case.pk}:submitted",
    )


# ---------------------------------------------------------------- queued intake


def case_intake(
    *,
    actor: Actor,
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
        payload["reporter_phone"] = personal.seal("phone", clean_phone(reporter_phone))
    intake = CaseIntake(
        code=new_tracking_code(),
        actor=acting_user(actor),
        received_at=clock.now(),
        payload=payload,
    )
    rows.insert_family(intake)
    return intake


@transaction.atomic
def case_me_too(
    *, actor: Actor, case: Case, household: Household | None = None, note: str = ""
) -> Case:
    """Join an open case instead of filing a duplicate: one more affected household."""
    locked = lock(case)
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
    return refresh(case, locked)
