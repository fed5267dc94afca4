"""Demo trainings (issue #12): deterministic, idempotent, quick.

- the winter–spring training (冬春训) of the current season (November to March; from
  April to October, the last finished one) and the season before it, each laid out in
  the town's "123" mode — configuration, not code: one opening session at the main venue
  with every sub-venue joined, two sessions at the village sub-venues, three online
  sessions with text material —, about 1,000 members enrolled (the village branches
  first, then others until the figure is reached);
- a secretaries' regular training (monthly, the secretaries of every branch), the lecture
  series 头雁讲堂 and a villagers' skills course for the residents of two villages.

Sessions before `now` are held: attendance is uneven by branch (some villages near 95 %,
some about 60 %), the elderly checked in by hand, a few make-up sessions and lessons taken
home (through the services). Programmes, venues, sessions and enrolment go through the
services; the many attendance rows are written in bulk (`core.rows.BulkRows`).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from grassroots.core.rows import BulkRows
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Place, Resident
from grassroots.party.models import Member, Organization
from grassroots.trainings.models import (
    Attendance,
    Audience,
    Enrolment,
    Kind,
    Mode,
    Programme,
    Session,
)
from grassroots.trainings.services import enrolment, layout, makeup, programmes

M = Attendance.Method
TARGET_ENROLLED = 1000
SIGNED_UP = 40  # residents per village in the skills course
LAYOUT_123 = {
    "name": "123",
    "start": "09:00",
    "minutes": 150,
    "sessions": [
        {
            "mode": "offline",
            "venues": "main+subs",
            "count": 1,
            "hours": 4,
            "lecturer": "镇党委书记",
            "topics": ["开班动员：学习贯彻党的二十大精神"],
        },
        {
            "mode": "offline",
            "venues": "subs",
            "count": 2,
            "hours": 3,
            "lecturer": "驻村党建指导员",
            "topics": ["党章党规党纪专题学习", "乡村振兴政策解读"],
        },
        {
            "mode": "online",
            "count": 3,
            "hours": 2,
            "seconds": 1800,
            "open_days": 20,
            "material": "一、学习要点……二、思考题……",
            "topics": ["网上学习：党史专题", "网上学习：基层治理案例", "网上学习：反诈与法治"],
        },
    ],
}
SECRETARY_TOPICS = [
    "基层党建重点任务",
    "村级集体经济发展",
    "矛盾纠纷化解",
    "党务工作规范",
    "网格化治理实务",
    "项目建设管理",
]
LECTURES = [
    "头雁讲堂：如何开好支部会",
    "头雁讲堂：村务公开与监督",
    "头雁讲堂：产业带富经验分享",
    "头雁讲堂：带头人的担当",
]
SKILLS = ["果蔬种植技术", "电商直播入门", "果树修剪与病虫害防治", "短视频带货实操"]
HOME_NOTES = ["年老行动不便，送学上门", "卧病在家，上门讲解学习内容", "照顾病人无法外出，送学上门"]


def _season(today: dt.date) -> int:
    """The year the current (or last finished) winter–spring season starts in."""
    if today.month >= 11:
        return today.year
    return today.year - 1


def _branches_for(town: Place) -> list[Organization]:
    """Village branches first, then others, until about 1,000 active members."""
    branches = list(
        unscoped(Organization, why=Unscoped.SYSTEM)
        .filter(town=town, kind=Organization.Kind.BRANCH)
        .order_by("path")
    )
    counts = {
        b.pk: unscoped(Member, why=Unscoped.SYSTEM)
        .filter(org_path__startswith=b.path, active=True)
        .count()
        for b in branches
    }
    ordered = sorted(branches, key=lambda b: (b.org_type != Organization.OrgType.VILLAGE, b.path))
    chosen, total = [], 0
    for b in ordered:
        if total >= TARGET_ENROLLED and b.org_type != Organization.OrgType.VILLAGE:
            break
        chosen.append(b)
        total += counts[b.pk]
    return chosen


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _attendance(
    rng: random.Random, programme: Programme, now: dt.datetime, diligence: dict[Any, float]
) -> int:
    """Attendance of the held sessions, in bulk; the number of rows."""
    held = list(
        programme.sessions.filter(starts_at__lte=now, makeup_of__isnull=True, cancelled=False)
        .prefetch_related("venues")
        .order_by("starts_at")
    )
    people = list(programme.enrolments.filter(status=Enrolment.Status.ENROLLED).order_by("pk"))
    columns = [
        "session_id",
        "enrolment_id",
        "venue_id",
        "method",
        "at",
        "hours",
        "year",
        "branch_id",
        "village_id",
        "org_path",
        "place_path",
    ]
    table = BulkRows(Attendance, columns, {"is_demo": True, "note": "", "recorded_by_id": None})
    rows = []
    for s in held:
        venues = list(s.venues.all())
        main = next((v for v in venues if v.is_main), None)
        by_village = {v.place_id: v for v in venues if not v.is_main}
        for e in people:
            key = ("b", e.branch_id) if e.branch_id else ("v", e.village_id)
            if rng.random() > diligence.get(key, 0.8):
                continue
            if s.mode == Mode.ONLINE:
                venue, method = None, M.ONLINE
            else:
                venue = by_village.get(e.village_id) or main or (venues[0] if venues else None)
                method = M.MANUAL if rng.random() < 0.1 else M.QR
            at = s.starts_at + dt.timedelta(seconds=rng.randint(-900, 600 if venue else 86400 * 5))
            rows.append(
                (
                    s.pk,
                    e.pk,
                    venue.pk if venue else None,
                    method,
                    at,
                    s.hours,
                    s.on.year,
                    e.branch_id,
                    e.village_id,
                    e.org_path,
                    e.place_path,
                )
            )
    return table.write(rows)


def _makeups(actor: Any, rng: random.Random, programme: Programme, now: dt.datetime) -> int:
    """A make-up session for the first held session in a few branches, and lessons home."""
    first = (
        programme.sessions.filter(
            starts_at__lte=now - dt.timedelta(days=10), mode=Mode.OFFLINE, makeup_of__isnull=True
        )
        .order_by("starts_at")
        .first()
    )
    if first is None:
        return 0
    absent = (
        programme.enrolments.filter(status=Enrolment.Status.ENROLLED, member__isnull=False)
        .exclude(pk__in=first.attendances.values("enrolment_id"))
        .order_by("branch_id", "pk")
    )
    by_branch: dict[int, list[Enrolment]] = {}
    for e in absent:
        by_branch.setdefault(e.branch_id, []).append(e)
    made = 0
    for branch_id in sorted(by_branch)[:3]:
        people = by_branch[branch_id]
        day = first.on + dt.timedelta(days=7)
        mk = makeup.makeup_create(
            actor=actor,
            session=first,
            starts_at=_aware(day, 14),
            ends_at=_aware(day, 16),
            is_demo=True,
        )
        made += makeup.makeup_record(
            actor=actor,
            makeup=mk,
            enrolments=people[: max(1, len(people) // 2)],
            at=_aware(day, 14),
        )
        for e in people[max(1, len(people) // 2) :][:2]:
            makeup.home_lesson(
                actor=actor,
                session=first,
                enrolment=e,
                note=rng.choice(HOME_NOTES),
                at=_aware(day + dt.timedelta(days=2), 10),
                is_demo=True,
            )
            made += 1
    return made


def _winter_spring(
    actor: Any,
    rng: random.Random,
    town: Place,
    committee: Organization,
    start_year: int,
    now: dt.datetime,
    branches: list[Organization],
) -> Programme:
    p = programmes.programme_create(
        actor=actor,
        organization=committee,
        name=f"{start_year}—{start_year + 1}年度党员冬春训",
        kind=Kind.MEMBER_TRAINING,
        audience=Audience.MEMBERS,
        starts_on=dt.date(start_year, 11, 10),
        ends_on=dt.date(start_year + 1, 3, 20),
        branches=branches,
        layout=LAYOUT_123,
        is_demo=True,
        description="按照“123”模式组织：1次主会场集中开班、2次分会场学习、3次网上学习。",
    )
    programmes.venues_per_village(
        actor=actor,
        programme=p,
        main_name=f"{town.name}党群服务中心（主会场）",
        sub_suffix="党群服务中心（分会场）",
    )
    layout.lay_out(actor=actor, programme=p, is_demo=True)
    enrolment.enrol_audience(actor=actor, programme=p, is_demo=True)
    return p


def _simple(
    actor: Any,
    committee: Organization,
    *,
    name: str,
    kind: str,
    audience: str,
    starts_on: dt.date,
    ends_on: dt.date,
    topics: list[str],
    every: int,
    hours: int,
    villages: list[Place] = (),
) -> Programme:  # type: ignore[assignment]
    p = programmes.programme_create(
        actor=actor,
        organization=committee,
        name=name,
        kind=kind,
        audience=audience,
        starts_on=starts_on,
        ends_on=ends_on,
        villages=villages,
        is_demo=True,
    )
    venue = programmes.venue_create(
        actor=actor, programme=p, name="镇党校教室", place=p.town, is_main=True
    )
    day, i = starts_on + dt.timedelta(days=5), 0
    while day <= ends_on:
        programmes.session_create(
            actor=actor,
            programme=p,
            topic=topics[i % len(topics)],
            starts_at=_aware(day, 14),
            ends_at=_aware(day, 17),
            hours=hours,
            venues=[venue],
            lecturer="镇党校讲师",
            is_demo=True,
        )
        day, i = day + dt.timedelta(days=every), i + 1
    if audience == Audience.RESIDENTS:
        _sign_up(actor, p)
    else:
        enrolment.enrol_audience(actor=actor, programme=p, is_demo=True)
    return p


def _sign_up(actor: Any, programme: Programme) -> None:
    """Residents who signed up for a skills course: about 40 per village (not everyone)."""
    for village in programme.villages.order_by("path"):
        residents = list(
            unscoped(Resident, why=Unscoped.SYSTEM)
            .filter(place_path__startswith=village.path)
            .order_by("pk")
        )
        step = max(1, len(residents) // SIGNED_UP)
        for resident in residents[::step][:SIGNED_UP]:
            enrolment.enrolment_add(
                actor=actor, programme=programme, resident=resident, is_demo=True
            )


def _others(actor: Any, town: Place, committee: Organization, year: int) -> list[Programme]:
    """The secretaries' monthly training, the lecture series and a villagers' skills course."""
    made: list[Programme] = []
    made.append(
        _simple(
            actor,
            committee,
            name=f"{year}年村（社区）党组织书记月度轮训",
            kind=Kind.SECRETARY_TRAINING,
            audience=Audience.SECRETARIES,
            starts_on=dt.date(year, 1, 1),
            ends_on=dt.date(year, 12, 31),
            topics=SECRETARY_TOPICS,
            every=30,
            hours=4,
        )
    )
    made.append(
        _simple(
            actor,
            committee,
            name=f"{year}年“头雁讲堂”",
            kind=Kind.LECTURE_SERIES,
            audience=Audience.SECRETARIES,
            starts_on=dt.date(year, 3, 1),
            ends_on=dt.date(year, 12, 15),
            topics=LECTURES,
            every=70,
            hours=3,
        )
    )
    villages = list(
        unscoped(Place, why=Unscoped.SYSTEM)
        .filter(path__startswith=town.path, kind=Place.Kind.VILLAGE)
        .order_by("path")[:2]
    )
    made.append(
        _simple(
            actor,
            committee,
            name=f"{year}年农民实用技能培训班",
            kind=Kind.VILLAGER_SKILLS,
            audience=Audience.RESIDENTS,
            starts_on=dt.date(year, 3, 1),
            ends_on=dt.date(year, 6, 30),
            topics=SKILLS,
            every=21,
            hours=3,
            villages=villages,
        )
    )
    return made


def load_demo_trainings(*, actor: Any, town: Place, now: dt.datetime, seed: int) -> dict[str, int]:
    """The demo's trainings; nothing when they are there already."""
    if unscoped(Programme, why=Unscoped.SYSTEM).filter(town=town, is_demo=True).exists():
        return {}
    committee = (
        unscoped(Organization, why=Unscoped.SYSTEM)
        .filter(town=town, kind=Organization.Kind.COMMITTEE)
        .order_by("path")
        .first()
    )
    if committee is None:
        return {}
    rng = random.Random(seed * 104729 + 12)
    today = timezone.localdate(now)
    season = _season(today)
    branches = _branches_for(town)
    diligence = {
        ("b", b.pk): (rng.uniform(0.55, 0.68) if rng.random() < 0.25 else rng.uniform(0.8, 0.97))
        for b in unscoped(Organization, why=Unscoped.SYSTEM).filter(town=town)
    }
    made = [
        _winter_spring(actor, rng, town, committee, y, now, branches) for y in (season - 1, season)
    ]
    made += _others(actor, town, committee, today.year)
    counts = {"programmes": len(made), "attendance": 0, "makeups": 0}
    for p in made:
        for v in p.villages.all():
            diligence[("v", v.pk)] = rng.uniform(0.2, 0.45)
        counts["attendance"] += _attendance(rng, p, now, diligence)
        if p.kind == Kind.MEMBER_TRAINING:
            counts["makeups"] += _makeups(actor, rng, p, now)
        if p.ends_on < today:
            programmes.programme_open(actor=actor, programme=p)
            programmes.programme_close(actor=actor, programme=p)
        elif p.starts_on <= today:
            programmes.programme_open(actor=actor, programme=p)
    counts["sessions"] = unscoped(Session, why=Unscoped.SYSTEM).filter(programme__in=made).count()
    counts["enrolments"] = (
        unscoped(Enrolment, why=Unscoped.SYSTEM).filter(programme__in=made).count()
    )
    return counts
