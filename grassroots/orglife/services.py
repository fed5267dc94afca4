"""Every change to organisational-life records: record a meeting, correct it within 30 days.

Rules kept here, for pages, API and demo alike:

- the actor holds `Cap.RECORD_MEETING` and reaches the organisation (else 404, as if it
  did not exist); the organisation is a branch or a Party group;
- the date is not in the future; attendance names only active members of that
  organisation's roster (a member of another branch is a field error on `present` or
  `excused`); everyone else on the roster is recorded absent;
- at most one file, judged by its content (`orglife.files`), never required;
- a record may be corrected for `EDIT_DAYS` days after it was made, then it stands;
- one audit row per change; a new record emits `Event.BRANCH_RECORD` (kind
  `orglife.meeting.<kind>`, the branch — a Party group's parent —, the date, the id), and a
  correction that moves the date emits it again, so a duty item of the new period sees it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import audit, clock
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.events import Event, emit
from grassroots.core.roles import Cap
from grassroots.core.services import require, require_reach, require_visible
from grassroots.orglife.files import clean_file
from grassroots.orglife.models import EDIT_DAYS, Attendance, Meeting, MeetingKind
from grassroots.party.models import Member, Organization

MEETING_ORG_KINDS = (Organization.Kind.BRANCH, Organization.Kind.GROUP)


def record_key(kind: str) -> str:
    """The `core.records` key of a meeting kind."""
    return f"orglife.meeting.{kind}"


def roster(organization: Organization) -> list[Member]:
    """The active members of the organisation and the Party groups under it, by name."""
    return list(
        Member.objects.filter(org_path__startswith=organization.path, active=True)
        .only("pk", "name", "post", "org_path", "organization_id")
        .order_by("name", "pk")
    )


COMMITTEE_POSTS = (
    Member.Post.SECRETARY,
    Member.Post.DEPUTY_SECRETARY,
    Member.Post.ORGANIZER,
    Member.Post.PROPAGANDA,
    Member.Post.DISCIPLINE,
)


def expected_of(
    kind: str, members: list[Member], present: Iterable[Member], excused: Mapping[Member, str]
) -> list[Member]:
    """Who was expected: the roster; for a committee meeting the committee (plus whoever
    attended as a non-voting member, 列席); for heart-to-heart talks only those named."""
    named = {m.pk for m in present} | {m.pk for m in excused}
    if kind == MeetingKind.HEART_TALK:
        return [m for m in members if m.pk in named]
    if kind == MeetingKind.COMMITTEE_MEETING:
        committee = [m for m in members if m.post in COMMITTEE_POSTS]
        if committee:
            return [m for m in members if m.post in COMMITTEE_POSTS or m.pk in named]
    return members


def branch_of(organization: Organization) -> Organization:
    """The branch a meeting counts for: the organisation itself, or a group's parent."""
    if organization.kind == Organization.Kind.GROUP:
        parent_path = organization.path[: -Organization.steplen]
        parent = Organization.objects.filter(path=parent_path).first()
        if parent is not None:
            return parent
    return organization


def _one_file(file: Any) -> Any:
    if isinstance(file, list | tuple):
        if len(file) > 1:
            raise ValidationError({"file": _("Attach at most one file.")})
        return file[0] if file else None
    return file


def _check_text(errors: dict[str, list[str]], place: str, topic: str, host: str) -> None:
    for name, value, limit, required in (
        ("place", place, 100, True),
        ("topic", topic, 200, True),
        ("host", host, 50, False),
    ):
        if required and not value.strip():
            errors.setdefault(name, []).append(_("This field is required."))
        elif len(value) > limit:
            errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limit})


def _check_attendance(
    errors: dict[str, list[str]],
    members: list[Member],
    present: Iterable[Member],
    excused: Mapping[Member, str],
) -> None:
    on_roster = {m.pk for m in members}
    strangers = [m.name for m in [*present, *excused] if m.pk not in on_roster]
    if strangers:
        errors.setdefault("present", []).append(
            _("Not active members of this organisation: %(names)s")
            % {"names": "、".join(sorted(set(strangers)))}
        )
    both = {m.pk for m in present} & {m.pk for m in excused}
    if both:
        errors.setdefault("excused", []).append(_("A member cannot be both present and excused."))
    if any(len(reason or "") > 100 for reason in excused.values()):
        errors.setdefault("excused", []).append(_("A reason has at most 100 characters."))


def _count(meeting: Meeting, expected: list[Member], present: Iterable[Member]) -> None:
    meeting.expected = len(expected)
    meeting.present = len({m.pk for m in present})


def _write_attendance(
    meeting: Meeting,
    members: list[Member],
    present: Iterable[Member],
    excused: Mapping[Member, str],
) -> None:
    """One row per expected member (the meeting is saved and counted already)."""
    present_ids = {m.pk for m in present}
    reasons = {m.pk: (reason or "").strip() for m, reason in excused.items()}
    rows = []
    for member in members:
        if member.pk in present_ids:
            rows.append(
                Attendance(meeting=meeting, member=member, status=Attendance.Status.PRESENT)
            )
        elif member.pk in reasons:
            status, reason = Attendance.Status.EXCUSED, reasons[member.pk]
            rows.append(Attendance(meeting=meeting, member=member, status=status, reason=reason))
        else:
            rows.append(Attendance(meeting=meeting, member=member, status=Attendance.Status.ABSENT))
    Attendance.objects.bulk_create(rows)


def _emit(meeting: Meeting) -> None:
    emit(
        Event.BRANCH_RECORD,
        kind=record_key(meeting.kind),
        organization_id=meeting.branch_id,
        on=meeting.held_on,
        record_id=meeting.pk,
    )


@transaction.atomic
def meeting_record(
    *,
    actor: Actor,
    organization: Organization,
    kind: str,
    held_on: dt.date,
    place: str,
    topic: str,
    present: Sequence[Member],
    excused: Mapping[Member, str] | None = None,
    host: str = "",
    file: Any = None,
    is_demo: bool = False,
) -> Meeting:
    require(actor, Cap.RECORD_MEETING)
    require_reach(actor, organization)
    excused = excused or {}
    errors: dict[str, list[str]] = {}
    if organization.kind not in MEETING_ORG_KINDS:
        errors["organization"] = [_("Meetings are recorded for a branch or a Party group.")]
    if kind not in MeetingKind.values:
        errors["kind"] = [
            _("Unknown kind of meeting; choose one of: %(kinds)s")
            % {"kinds": "、".join(str(label) for label in MeetingKind.labels)}
        ]
    if held_on > clock.today():
        errors["held_on"] = [_("A meeting cannot be recorded before it is held.")]
    _check_text(errors, place, topic, host)
    members = roster(organization)
    _check_attendance(errors, members, present, excused)
    upload = _one_file(file)
    if errors:
        raise ValidationError(errors)
    meeting = Meeting(
        organization=organization,
        branch=branch_of(organization),
        org_path=organization.path,
        town=organization.town,
        kind=kind,
        held_on=held_on,
        place=place.strip(),
        topic=topic.strip(),
        host=host.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
        recorded_at=clock.now(),
        is_demo=is_demo,
    )
    if upload is not None:
        meeting.file, meeting.file_type, meeting.file_name = clean_file(upload)
    expected = expected_of(kind, members, present, excused)
    _count(meeting, expected, present)
    meeting.save()
    _write_attendance(meeting, expected, present, excused)
    audit.record(
        actor=actor,
        action=Action.ORGLIFE_MEETING_RECORDED,
        obj=meeting,
        data={"kind": kind, "held_on": held_on.isoformat(), "present": meeting.present},
    )
    _emit(meeting)
    return meeting


def editable_until(meeting: Meeting) -> dt.date:
    return timezone.localdate(meeting.recorded_at) + dt.timedelta(days=EDIT_DAYS)


def is_editable(meeting: Meeting) -> bool:
    return clock.today() <= editable_until(meeting)


@transaction.atomic
def meeting_update(
    *,
    actor: Actor,
    meeting: Meeting,
    held_on: dt.date | None = None,
    place: str | None = None,
    topic: str | None = None,
    host: str | None = None,
    present: Sequence[Member] | None = None,
    excused: Mapping[Member, str] | None = None,
    file: Any = None,
    remove_file: bool = False,
) -> Meeting:
    """Change what is given (None keeps a field); attendance is rewritten when `present` is given."""
    require(actor, Cap.RECORD_MEETING)
    require_visible(actor, meeting)
    meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    require_reach(actor, meeting.organization)
    if not is_editable(meeting):
        raise ValidationError(
            _(
                "A meeting record can be changed for %(days)d days after it is recorded; "
                "this one could be changed until %(date)s."
            )
            % {"days": EDIT_DAYS, "date": editable_until(meeting).isoformat()}
        )
    errors: dict[str, list[str]] = {}
    moved = held_on is not None and held_on != meeting.held_on
    if held_on is not None and held_on > clock.today():
        errors["held_on"] = [_("A meeting cannot be recorded before it is held.")]
    _check_text(
        errors,
        meeting.place if place is None else place,
        meeting.topic if topic is None else topic,
        meeting.host if host is None else host,
    )
    members = roster(meeting.organization) if present is not None else []
    if present is not None:
        _check_attendance(errors, members, present, excused or {})
    upload = _one_file(file)
    if errors:
        raise ValidationError(errors)
    changed = []
    for name, value in (("held_on", held_on), ("place", place), ("topic", topic), ("host", host)):
        if value is not None:
            setattr(meeting, name, value.strip() if isinstance(value, str) else value)
            changed.append(name)
    if present is not None:
        expected = expected_of(meeting.kind, members, present, excused or {})
        meeting.attendance.all().delete()
        _write_attendance(meeting, expected, present, excused or {})
        _count(meeting, expected, present)
        changed.append("attendance")
    if upload is not None:
        meeting.file.delete(save=False)
        meeting.file, meeting.file_type, meeting.file_name = clean_file(upload)
        changed.append("file")
    elif remove_file and meeting.file:
        meeting.file.delete(save=False)
        meeting.file, meeting.file_type, meeting.file_name = "", "", ""
        changed.append("file")
    meeting.save()
    audit.record(
        actor=actor, action=Action.ORGLIFE_MEETING_UPDATED, obj=meeting, data={"changed": changed}
    )
    if moved:
        _emit(meeting)
    return meeting
