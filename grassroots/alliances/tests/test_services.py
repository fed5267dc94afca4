"""Alliances and projects: who may change them, what is refused, progress from milestones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from grassroots.alliances import services
from grassroots.alliances.models import (
    Alliance,
    AllianceKind,
    AllianceMember,
    InnovationProject,
    ProjectStatus,
    UnitKind,
)
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.testing import Town


def _alliance(town: Town, actor: object = None, lead: object = None) -> Alliance:
    return services.alliance_create(
        actor=actor or town.sam,
        name="金色稻穗党建联盟",
        kind=AllianceKind.ALLIANCE,
        lead=lead or town.branch_a,
        founded_on=dt.date(2026, 3, 1),
    )


def test_an_alliance_links_town_organisations_and_outside_units(town: Town, today: dt.date) -> None:
    alliance = _alliance(town)
    assert (alliance.org_path, alliance.town) == (town.branch_a.path, town.town)
    services.alliance_member_add(
        actor=town.sam, alliance=alliance, organization=town.branch_b, role="成员单位"
    )
    services.alliance_member_add(
        actor=town.sam,
        alliance=alliance,
        unit_name="稻香米业有限公司",
        unit_kind=UnitKind.ENTERPRISE,
        role="订单收购",
    )
    assert [m.name for m in alliance.members.all()] == [town.branch_b.name, "稻香米业有限公司"]
    actions = list(
        AuditEvent.objects.filter(action__startswith="alliances.")
        .values_list("action", flat=True)
        .order_by("pk")
    )
    assert actions == [
        Action.ALLIANCES_ALLIANCE_CREATED,
        Action.ALLIANCES_MEMBER_ADDED,
        Action.ALLIANCES_MEMBER_ADDED,
    ]


def test_a_member_branch_sees_the_alliance_but_cannot_change_it(town: Town, today: dt.date) -> None:
    alliance = _alliance(town)
    assert not Alliance.objects.visible_to(town.ivan).exists()
    services.alliance_member_add(actor=town.sam, alliance=alliance, organization=town.branch_b)
    assert list(Alliance.objects.visible_to(town.ivan)) == [alliance]
    assert AllianceMember.objects.visible_to(town.ivan).count() == 1
    with pytest.raises(PermissionDenied):  # an instructor does not edit the Party registry
        services.alliance_member_add(
            actor=town.ivan, alliance=alliance, unit_name="x", unit_kind=UnitKind.OTHER
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "organization"),
        ({"unit_name": "合作社"}, "unit_kind"),
        (
            {"unit_name": "合作社", "unit_kind": UnitKind.COOPERATIVE, "organization": "branch_b"},
            "organization",
        ),
        ({"organization": "branch_a"}, "organization"),  # the lead itself
        (
            {"unit_name": "x", "unit_kind": UnitKind.OTHER, "joined_on": dt.date(2026, 6, 1)},
            "joined_on",
        ),
    ],
)
def test_a_bad_member_is_a_field_error_and_adds_nothing(
    town: Town, today: dt.date, kwargs: dict, field: str
) -> None:
    alliance = _alliance(town)
    if "organization" in kwargs:
        kwargs = {**kwargs, "organization": getattr(town, kwargs["organization"])}
    with pytest.raises(ValidationError) as exc:
        services.alliance_member_add(actor=town.alice, alliance=alliance, **kwargs)
    assert field in exc.value.message_dict
    assert not alliance.members.exists()


def test_an_alliance_out_of_reach_is_404_and_a_future_founding_refused(
    town: Town, today: dt.date
) -> None:
    with pytest.raises(Http404):
        _alliance(town, actor=town.sam, lead=town.branch_b)
    with pytest.raises(ValidationError) as exc:
        services.alliance_create(
            actor=town.olga,
            name=" ",
            kind="club",
            lead=town.branch_b,
            founded_on=dt.date(2027, 1, 1),
        )
    assert {"name", "kind", "founded_on"} <= set(exc.value.message_dict)
    assert not Alliance.objects.exists()


def test_removing_a_member_is_audited(town: Town, today: dt.date) -> None:
    alliance = _alliance(town)
    member = services.alliance_member_add(
        actor=town.sam, alliance=alliance, unit_name="供销社", unit_kind=UnitKind.AGENCY
    )
    services.alliance_member_remove(actor=town.sam, member=member)
    assert not alliance.members.exists()
    assert AuditEvent.objects.filter(action=Action.ALLIANCES_MEMBER_REMOVED).count() == 1


def _project(town: Town, **kwargs: object) -> InnovationProject:
    data = {
        "actor": town.sam,
        "title": "稻虾共养示范",
        "organization": town.branch_a,
        "starts_on": dt.date(2026, 3, 1),
        "due_on": dt.date(2026, 10, 31),
        "goals": "带动20户增收",
    }
    data.update(kwargs)
    return services.project_create(**data)


def test_progress_follows_the_milestones_and_a_tick_starts_the_project(
    town: Town, today: dt.date
) -> None:
    project = _project(town, progress=40)
    assert project.progress == 40
    first = services.milestone_add(
        actor=town.sam, project=project, title="选定示范田", due_on=dt.date(2026, 4, 1)
    )
    services.milestone_add(
        actor=town.sam, project=project, title="投放虾苗", due_on=dt.date(2026, 6, 1)
    )
    services.milestone_add(
        actor=town.sam, project=project, title="验收", due_on=dt.date(2026, 10, 1)
    )
    project.refresh_from_db()
    assert (project.progress, project.status) == (0, ProjectStatus.PLANNED)
    services.milestone_tick(actor=town.sam, milestone=first)
    project.refresh_from_db()
    assert (project.progress, project.status) == (33, ProjectStatus.IN_PROGRESS)
    first.refresh_from_db()
    assert first.done_on == today
    services.milestone_tick(actor=town.sam, milestone=first, done=False)
    project.refresh_from_db()
    assert project.progress == 0
    services.project_update(
        actor=town.sam,
        project=project,
        title="稻虾共养",
        starts_on=project.starts_on,
        due_on=project.due_on,
        status=ProjectStatus.IN_PROGRESS,
        progress=90,
    )
    project.refresh_from_db()
    assert (project.title, project.progress) == ("稻虾共养", 0)  # milestones decide
    assert AuditEvent.objects.filter(action=Action.ALLIANCES_MILESTONE_DONE).count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"due_on": dt.date(2026, 2, 1)}, "due_on"),
        ({"progress": 101}, "progress"),
        ({"status": "paused"}, "status"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_project_is_a_field_error(
    town: Town, today: dt.date, kwargs: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _project(town, **kwargs)
    assert field in exc.value.message_dict
    assert not InnovationProject.objects.exists()


def test_a_project_and_its_milestones_out_of_reach_are_404(town: Town, today: dt.date) -> None:
    project = _project(town, actor=town.olga, organization=town.branch_b)
    milestone = services.milestone_add(
        actor=town.olga, project=project, title="x", due_on=dt.date(2026, 6, 1)
    )
    with pytest.raises(Http404):
        _project(town, organization=town.branch_b)
    with pytest.raises(Http404):
        services.milestone_tick(actor=town.sam, milestone=milestone)
    with pytest.raises(Http404):
        services.milestone_add(actor=town.sam, project=project, title="y", due_on=today)
