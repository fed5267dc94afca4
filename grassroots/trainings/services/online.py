"""Online study: time spent on a session's material, and its video (issue #12).

The study page posts a heartbeat about every `BEAT` seconds while it is visible (and,
for a video, while it plays). `beat` credits the time since the previous beat into
`OnlineProgress.seconds`, capped at `CAP` seconds a beat; a beat sooner than `MIN_GAP`
after the previous one credits nothing (and does not move the mark), a beat after more
than `STALE` seconds credits nothing either (the page was away: counting restarts).
When the credited time reaches the session's minimum share of the material's length,
the attendance is recorded once, through `attendance.attend` (method ONLINE).

`material_upload` stores a session's video (MP4 or WebM, recognised by its content,
at most `MAX_VIDEO_BYTES`) under a random name and sets the material's length.
"""

from __future__ import annotations

import contextlib
import math
import secrets
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import audit, clock
from grassroots.core.actors import Actor, acting_user
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.core.services import require, require_visible
from grassroots.trainings.models import Attendance, Mode, OnlineProgress, Session
from grassroots.trainings.services.attendance import AlreadyCheckedIn, attend
from grassroots.trainings.services.checkin import Refused, own_enrolment

BEAT = 15  # seconds between the page's heartbeats
CAP = 20  # at most this many seconds credited per beat
MIN_GAP = 10  # beats closer than this are ignored
STALE = 60  # after this long without a beat, the next one only restarts the count
MAX_VIDEO_BYTES = 500 * 1024 * 1024


def required_seconds(session: Session) -> int:
    return math.ceil(session.min_share * session.material_seconds)


def require_online(session: Session) -> None:
    """The session has online material open today; Refused otherwise."""
    if session.cancelled:
        raise Refused("cancelled")
    if session.mode == Mode.OFFLINE or not session.material_kind or not session.material_seconds:
        raise Refused("not_open", _("This session has no online material."))
    today = timezone.localdate(clock.now())
    if today < session.on:
        raise Refused(
            "not_open",
            _("The online material opens on %(date)s.") % {"date": session.on.isoformat()},
        )
    if today > (session.online_until or session.on):
        raise Refused("not_open", _("The online material of this session has closed."))


def progress_of(user: Any, session: Session) -> OnlineProgress | None:
    return (
        unscoped(OnlineProgress, why=Unscoped.SYSTEM)
        .filter(session=session, enrolment__user_id=getattr(user, "pk", None))
        .first()
    )


def _credit(row: OnlineProgress) -> int:
    now = clock.now()
    if row.last_beat_at is None:
        row.last_beat_at = now
        return 0
    gap = (now - row.last_beat_at).total_seconds()
    if gap < MIN_GAP:
        return 0  # too soon: ignored, the mark stays
    row.last_beat_at = now
    if gap > STALE:
        return 0
    return int(min(gap, CAP))


@transaction.atomic
def beat(*, actor: Actor, session: Session) -> tuple[OnlineProgress, Attendance | None]:
    """One heartbeat of the actor's study of `session`: (progress, the attendance if recorded now)."""
    user = acting_user(actor)
    require_online(session)
    enrolment = own_enrolment(user, session)
    OnlineProgress.objects.get_or_create(session=session, enrolment=enrolment)
    row = OnlineProgress.objects.select_for_update().get(session=session, enrolment=enrolment)
    credited = _credit(row)
    row.seconds = min(row.seconds + credited, session.material_seconds)
    row.save(update_fields=["seconds", "last_beat_at"])
    attendance = None
    if row.seconds >= required_seconds(session) and credited:
        with contextlib.suppress(AlreadyCheckedIn):  # present already (at a venue, say)
            attendance = attend(
                actor=actor, session=session, enrolment=enrolment, method=Attendance.Method.ONLINE
            )
    return row, attendance


def _sniff(head: bytes) -> str:
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    raise ValidationError(
        {"file": [_("The video must be an MP4 or WebM file.")]}, code="video_type"
    )


@transaction.atomic
def material_upload(*, actor: Actor, session: Session, file: IO[bytes], seconds: int) -> Session:
    """Store `file` as the session's video (checked by content) and its length in seconds."""
    require(actor, Cap.MANAGE_TRAINING)
    require_visible(actor, session)
    if session.mode == Mode.OFFLINE:
        raise ValidationError(
            {"session": [_("Only an online session has material; change the mode first.")]}
        )
    size = getattr(file, "size", None)
    if size is None or size > MAX_VIDEO_BYTES:
        raise ValidationError(
            {"file": [_("The video is larger than %(mb)s MB.") % {"mb": MAX_VIDEO_BYTES >> 20}]}
        )
    if not 1 <= seconds <= 24 * 3600:
        raise ValidationError({"seconds": [_("Give the video's length in seconds (1 to 86400).")]})
    file.seek(0)
    ext = _sniff(file.read(16))
    file.seek(0)
    if session.material_file:
        session.material_file.delete(save=False)
    session.material_file.save(f"{secrets.token_hex(16)}.{ext}", File(file), save=False)
    session.material_kind = Session.MaterialKind.VIDEO
    session.material_seconds = seconds
    session.save(update_fields=["material_file", "material_kind", "material_seconds"])
    audit.record(
        actor=actor,
        action=Action.TRAININGS_MATERIAL_UPLOADED,
        obj=session,
        data={"seconds": seconds, "bytes": size, "type": ext},
    )
    return session
