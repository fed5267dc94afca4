"""A small training in the persona town, shared by the programmes part's tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from grassroots.core import clock
from grassroots.party import services as party
from grassroots.testing import Town
from grassroots.trainings.models import Audience, Kind, Mode
from grassroots.trainings.services import enrolment, programmes

NOW = timezone.make_aware(dt.datetime(2026, 3, 20, 10, 0))


def at(day: int, month: int = 3, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, 0))


def training(town: Town, **kwargs: Any) -> dict[str, Any]:
    """A members' training of the town committee: a main venue, two sub-venues,
    two held sessions (4 h and 2 h) and one to come; members of branches A and B enrolled."""
    clock.set_now(NOW)
    root = town.root
    extra_a = party.member_create(actor=root, organization=town.branch_a, name="甲党员")
    extra_b = party.member_create(actor=root, organization=town.branch_b, name="乙党员")
    p = programmes.programme_create(
        actor=town.alice,
        organization=town.committee,
        name="2025—2026年度党员冬春训",
        kind=Kind.MEMBER_TRAINING,
        audience=Audience.MEMBERS,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 4, 30),
        branches=[town.branch_a, town.branch_b],
        **kwargs,
    )
    venues = programmes.venues_per_village(
        actor=town.alice, programme=p, main_name="镇党群服务中心", sub_suffix="分会场"
    )
    s1 = programmes.session_create(
        actor=town.alice,
        programme=p,
        topic="开班第一课",
        starts_at=at(5),
        ends_at=at(5, hour=12),
        hours=4,
        venues=venues,
    )
    s2 = programmes.session_create(
        actor=town.alice,
        programme=p,
        topic="网上学习",
        starts_at=at(12),
        ends_at=at(12, hour=11),
        hours=2,
        mode=Mode.ONLINE,
        material_text="学习材料",
        material_seconds=600,
    )
    s3 = programmes.session_create(
        actor=town.alice,
        programme=p,
        topic="结业课",
        starts_at=at(10, 4),
        ends_at=at(10, 4, 12),
        hours=3,
        venues=venues,
    )
    added = enrolment.enrol_audience(actor=town.alice, programme=p)
    return {
        "programme": p,
        "venues": venues,
        "s1": s1,
        "s2": s2,
        "s3": s3,
        "added": added,
        "extra_a": extra_a,
        "extra_b": extra_b,
    }
