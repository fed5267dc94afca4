"""Open311 writes: API keys and service requests (filed through `cases.services.case_submit`)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.cases.models import Case, Category, Channel
from grassroots.cases.services import case_submit
from grassroots.core import audit, clock, ratelimit
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.grid.models import Household, Place
from grassroots.open311.models import ApiKey

KEY_BYTES = 32
MAX_DESCRIPTION = 4000  # the spec's limit


def hash_key(raw: str) -> str:
    # Keys are 256-bit random tokens, so a plain SHA-256 is enough (no stretching needed).
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def apikey_create(
    *,
    actor: Actor,
    name: str,
    town: Place | None = None,
    user: User | None = None,
    exact_locations: bool = False,
) -> tuple[ApiKey, str]:
    """Create a key; returns it with the raw secret, which is never stored."""
    raw = secrets.token_urlsafe(KEY_BYTES)
    key = ApiKey.objects.create(
        name=name.strip(),
        prefix=raw[:8],
        key_hash=hash_key(raw),
        town=town,
        user=user,
        exact_locations=exact_locations,
        created_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action=Action.OPEN311_APIKEY_CREATED,
        obj=key,
        data={"name": key.name, "exact_locations": exact_locations},
    )
    return key, raw


@transaction.atomic
def apikey_revoke(*, actor: Actor, key: ApiKey) -> ApiKey:
    ApiKey.objects.filter(pk=key.pk).update(active=False)
    key.active = False
    audit.record(actor=actor, action=Action.OPEN311_APIKEY_REVOKED, obj=key)
    return key


def apikey_check(raw: str) -> ApiKey | None:
    if not raw:
        return None
    return ApiKey.objects.filter(key_hash=hash_key(raw), active=True).first()


def rate_limited(key: ApiKey) -> bool:
    """Count this POST against the key's per-minute budget; True when over it.

    The counter is shared by every worker process (core.ratelimit).
    """
    limit = getattr(settings, "OPEN311_POSTS_PER_MINUTE", 30)
    return not ratelimit.hit("open311-posts", str(key.pk), limit=limit, window=60)


@dataclass
class NewRequest:
    service_code: str
    description: str
    town: Place
    place: Place | None
    household: Household | None = None
    priority: str | None = None
    affected_households: int = 1
    reporter_name: str = ""
    reporter_phone: str = ""
    location_note: str = ""
    latitude: str = ""
    longitude: str = ""
    media_url: str = ""


@transaction.atomic
def request_submit(*, actor: ApiKey, request: NewRequest, category: Category) -> Case:
    """File an Open311 service request as a case on the API channel."""
    text = request.description.strip()
    # Checked before the location is appended, which would make any text long enough.
    if len(text) < 4:
        raise ValidationError({"description": _("Describe the problem in a few words.")})
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError({"description": _("The description is limited to 4000 characters.")})
    if request.location_note:
        label = _("Location")
        text = f"{text}\n\n{label}: {request.location_note}"
    case = case_submit(
        actor=actor.user,
        text=text,
        category=category,
        priority=request.priority,
        place=request.place,
        household=request.household,
        channel=Channel.API,
        reporter_name=request.reporter_name,
        reporter_phone=request.reporter_phone,
        affected_households=request.affected_households,
        latitude=request.latitude or None,
        longitude=request.longitude or None,
        media_url=request.media_url,
    )
    ApiKey.objects.filter(pk=actor.pk).update(last_used_at=clock.now())
    audit.record(
        actor=actor.user,
        action=Action.OPEN311_REQUEST_RECEIVED,
        obj=case,
        data={"api_key": actor.name, "service_code": request.service_code},
    )
    return case
