"""A training of the persona town for the check-in tests, made with the ORM.

The programme (the committee's members' training), a main venue in the town and a
sub-venue in village A, an offline session at both venues, an online session with
text material, and two enrolled members with accounts: mia (branch A, village A) and
ben (branch B, village B). `AT` is a moment while check-in at the offline session is open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from grassroots.accounts.models import User
from grassroots.core import clock
from grassroots.party import services as party
from grassroots.party.models import Member
from grassroots.testing import Town, make_user
from grassroots.trainings.models import (
    Audience,
    Enrolment,
    Kind,
    Mode,
    Programme,
    Session,
    Venue,
)

TZ = dt.timezone(dt.timedelta(hours=8))
AT = dt.datetime(2026, 11, 25, 9, 5, tzinfo=TZ)  # the session began at 09:00


@dataclass
class Training:
    programme: Programme
    main: Venue
    sub_a: Venue
    session: Session
    other: Session  # a second offline session of the programme, a week later
    online: Session
    mia: User
    ben: User
    enrol_mia: Enrolment
    enrol_ben: Enrolment
    member_mia: Member
    member_ben: Member


def _enrol(programme: Programme, member: Member, user: User | None) -> Enrolment:
    branch = member.organization
    return Enrolment.objects.create(
        programme=programme,
        member=member,
        user=user,
        name=member.name,
        branch=branch,
        org_path=branch.path,
        village=branch.place,
        place_path=branch.place.path,
        created_at=clock.now(),
    )


def _session(programme: Programme, topic: str, start: dt.datetime, **extra: object) -> Session:
    return Session.objects.create(
        programme=programme,
        topic=topic,
        lecturer="李老师",
        on=start.date(),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        hours=Decimal("2.0"),
        **extra,
    )


def make_training(town: Town) -> Training:
    clock.set_now(AT)
    programme = Programme.objects.create(
        organization=town.committee,
        org_path=town.committee.path,
        town=town.town,
        name="2026年冬春训",
        kind=Kind.MEMBER_TRAINING,
        audience=Audience.MEMBERS,
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2027, 3, 31),
        status=Programme.Status.OPEN,
        created_at=AT,
    )
    main = Venue.objects.create(
        programme=programme,
        name="镇党群服务中心主会场",
        place=town.town,
        place_path=town.town.path,
        is_main=True,
    )
    sub_a = Venue.objects.create(
        programme=programme,
        name="明月村分会场",
        place=town.village_a,
        place_path=town.village_a.path,
    )
    session = _session(programme, "学习党的二十届三中全会精神", AT.replace(hour=9, minute=0))
    session.venues.set([main, sub_a])
    other = _session(programme, "基层治理专题", AT.replace(hour=9, minute=0) + dt.timedelta(days=7))
    other.venues.set([main, sub_a])
    online = _session(
        programme,
        "网上学习：党章",
        AT.replace(hour=8, minute=0),
        mode=Mode.ONLINE,
        material_kind=Session.MaterialKind.TEXT,
        material_text="第一章 党员……",
        material_seconds=100,
        min_share=Decimal("0.80"),
        online_until=AT.date() + dt.timedelta(days=7),
    )
    mia, ben = make_user("mia", display_name="米娅"), make_user("ben", display_name="本")
    member_mia = party.member_create(
        actor=town.root, organization=town.branch_a, name="米娅", joined_on=dt.date(2010, 7, 1)
    )
    Member.objects.filter(pk=member_mia.pk).update(user=mia)
    member_ben = town.member_b
    enrol_mia = _enrol(programme, member_mia, mia)
    enrol_ben = _enrol(programme, member_ben, ben)
    return Training(
        programme, main, sub_a, session, other, online, mia, ben,
        enrol_mia, enrol_ben, member_mia, member_ben,
    )  # fmt: skip
