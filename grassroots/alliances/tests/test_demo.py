"""The demo loader for alliances and projects, run on the persona town."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from grassroots.alliances.demo import load_demo_alliances
from grassroots.alliances.models import Alliance, InnovationProject, Milestone
from grassroots.core import clock
from grassroots.party import services as party
from grassroots.party.models import Organization
from grassroots.testing import Town


def test_a_rice_alliance_a_pair_and_two_projects_one_late(town: Town) -> None:
    now = timezone.make_aware(dt.datetime(2026, 11, 20, 9, 0))
    clock.set_now(now)
    for name in ("丙村党支部", "丁村党支部"):
        party.organization_create(
            actor=town.root,
            parent=town.committee,
            kind=Organization.Kind.BRANCH,
            name=name,
            place=town.village_b,
        )
    counts = load_demo_alliances(actor=town.root, town=town.town, now=now, seed=1)
    assert counts == {"alliances": 2, "alliance_members": 5, "projects": 2, "milestones": 7}
    rice = Alliance.objects.get(name="金色稻穗党建联盟")
    assert rice.lead == town.branch_a and rice.is_demo
    kinds = sorted(m.unit_kind or "org" for m in rice.members.all())
    assert kinds == ["cooperative", "enterprise", "org", "org"]
    pair = Alliance.objects.exclude(pk=rice.pk).get()
    assert pair.members.get().organization == town.branch_firm
    today = dt.date(2026, 11, 20)
    overdue = Milestone.objects.filter(done_on__isnull=True, due_on__lt=today)
    assert [m.project.title for m in overdue] == ["“红色稻田”研学路线"]
    assert sorted(InnovationProject.objects.values_list("progress", flat=True)) == [33, 50]


def test_a_town_without_three_village_branches_gets_nothing(town: Town) -> None:
    now = timezone.make_aware(dt.datetime(2026, 11, 20, 9, 0))
    assert load_demo_alliances(actor=town.root, town=town.town, now=now, seed=1)["alliances"] == 0
