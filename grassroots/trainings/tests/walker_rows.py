"""Training rows for the scope walker: a programme of the far town with a venue, a held
session, an enrolment and an attendance; the same in the persona town."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from grassroots.testing import Town
from grassroots.trainings.models import Attendance, Audience, Enrolment, Kind
from grassroots.trainings.services import enrolment, programmes
from grassroots.trainings.services.attendance import attend


def _rows(root: Any, committee: Any, branch: Any, place: Any, name: str) -> dict[str, Any]:
    p = programmes.programme_create(
        actor=root,
        organization=committee,
        name=name,
        kind=Kind.MEMBER_TRAINING,
        audience=Audience.MEMBERS,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 3, 31),
        branches=[branch],
    )
    venue = programmes.venue_create(
        actor=root, programme=p, name=f"{name}会场", place=place, is_main=True
    )
    start = timezone.make_aware(dt.datetime(2026, 1, 10, 9))
    session = programmes.session_create(
        actor=root,
        programme=p,
        topic=f"{name}第一课",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        hours=2,
        venues=[venue],
    )
    enrolment.enrol_audience(actor=root, programme=p)
    row = Enrolment.objects.filter(programme=p).order_by("pk").first()
    attendance = attend(
        actor=root, session=session, enrolment=row, method=Attendance.Method.MANUAL, venue=venue
    )
    return {
        "training_programme": p,
        "training_venue": venue,
        "training_session": session,
        "training_enrolment": row,
        "training_attendance": attendance,
    }


def far_rows(root: Any, far: dict[str, Any]) -> dict[str, Any]:
    return _rows(root, far["committee"], far["branch"], far["town"], "远方冬春训")


def town_rows(town: Town) -> None:
    _rows(town.root, town.committee, town.branch_b, town.town, "测试镇冬春训")
