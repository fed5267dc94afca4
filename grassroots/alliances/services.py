"""Every change to alliances and innovation projects.

Who: `Cap.EDIT_PARTY`, and reach of the lead organisation (an alliance's lead, a project's
branch); out of reach is 404, exactly like a missing row. Members of an alliance are
organisations of the same town (visible or not to the editor: a village branch may lead
an alliance with its neighbours) or outside units named as text. A project's progress is
the share of its milestones done whenever it has milestones; ticking a milestone of a
planned project starts it. One audit row per change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.alliances.models import (
    Alliance,
    AllianceKind,
    AllianceMember,
    InnovationProject,
    Milestone,
    ProjectStatus,
    UnitKind,
)
from grassroots.core import audit, clock
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.services import require, require_reach, require_visible
from grassroots.party.models import Organization

LEAD_KINDS = (
    Organization.Kind.COMMITTEE,
    Organization.Kind.GENERAL_BRANCH,
    Organization.Kind.BRANCH,
)


def _text(errors: dict[str, list[str]], name: str, value: str, limit: int, required: bool) -> None:
    if required and not value.strip():
        errors.setdefault(name, []).append(_("This field is required."))
    elif len(value) > limit:
        errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limit})


def _not_future(errors: dict[str, list[str]], name: str, value: dt.date | None) -> None:
    if value is not None and value > clock.today():
        errors.setdefault(name, []).append(_("This date is in the future."))


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


# --- alliances -------------------------------------------------------------------------------


def _check_alliance(fields: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    _text(errors, "name", fields["name"], 100, True)
    if fields["kind"] not in AllianceKind.values:
        errors["kind"] = [_("Unknown kind of alliance.")]
    if fields["lead"].kind not in LEAD_KINDS:
        errors["lead"] = [_("An alliance is led by a Party committee, general branch or branch.")]
    _not_future(errors, "founded_on", fields.get("founded_on"))
    _raise(errors)


@transaction.atomic
def alliance_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    lead: Organization,
    description: str = "",
    founded_on: dt.date | None = None,
    is_demo: bool = False,
) -> Alliance:
    require(actor, Cap.EDIT_PARTY)
    require_reach(actor, lead)
    fields = {"name": name, "kind": kind, "lead": lead, "founded_on": founded_on}
    _check_alliance(fields)
    alliance = Alliance.objects.create(
        name=name.strip(),
        kind=kind,
        lead=lead,
        org_path=lead.path,
        town=lead.town,
        description=description.strip(),
        founded_on=founded_on,
        created_at=clock.now(),
        is_demo=is_demo,
    )
    audit.record(actor=actor, action=Action.ALLIANCES_ALLIANCE_CREATED, obj=alliance)
    return alliance


def _editable_alliance(actor: Actor, alliance: Alliance) -> Alliance:
    require(actor, Cap.EDIT_PARTY)
    require_visible(actor, alliance)
    alliance = Alliance.objects.select_for_update().select_related("lead").get(pk=alliance.pk)
    require_reach(actor, alliance.lead)
    return alliance


@transaction.atomic
def alliance_update(
    *,
    actor: Actor,
    alliance: Alliance,
    name: str,
    kind: str,
    lead: Organization,
    description: str = "",
    founded_on: dt.date | None = None,
) -> Alliance:
    alliance = _editable_alliance(actor, alliance)
    require_reach(actor, lead)
    _check_alliance({"name": name, "kind": kind, "lead": lead, "founded_on": founded_on})
    if lead.town_id != alliance.town_id:
        raise ValidationError({"lead": _("The lead organisation must be of the same town.")})
    alliance.name, alliance.kind, alliance.lead = name.strip(), kind, lead
    alliance.org_path, alliance.description = lead.path, description.strip()
    alliance.founded_on = founded_on
    alliance.save()
    audit.record(actor=actor, action=Action.ALLIANCES_ALLIANCE_UPDATED, obj=alliance)
    return alliance


@transaction.atomic
def alliance_member_add(
    *,
    actor: Actor,
    alliance: Alliance,
    organization: Organization | None = None,
    unit_name: str = "",
    unit_kind: str = "",
    role: str = "",
    joined_on: dt.date | None = None,
) -> AllianceMember:
    alliance = _editable_alliance(actor, alliance)
    errors: dict[str, list[str]] = {}
    unit_name = unit_name.strip()
    if (organization is None) == (not unit_name):
        errors["organization"] = [_("Choose an organisation of the town or name an outside unit.")]
    elif organization is not None:
        if organization.town_id != alliance.town_id:
            errors["organization"] = [_("The organisation must be of the same town.")]
        elif (
            organization.pk == alliance.lead_id
            or alliance.members.filter(organization=organization).exists()
        ):
            errors["organization"] = [_("This organisation is already in the alliance.")]
        unit_kind = ""
    else:
        _text(errors, "unit_name", unit_name, 100, True)
        if unit_kind not in UnitKind.values:
            errors["unit_kind"] = [_("Say what kind of unit it is.")]
    _text(errors, "role", role, 100, False)
    _not_future(errors, "joined_on", joined_on)
    _raise(errors)
    member = AllianceMember.objects.create(
        alliance=alliance,
        organization=organization,
        unit_name="" if organization else unit_name,
        unit_kind=unit_kind,
        role=role.strip(),
        joined_on=joined_on,
    )
    audit.record(
        actor=actor,
        action=Action.ALLIANCES_MEMBER_ADDED,
        obj=alliance,
        data={"member": str(member)},
    )
    return member


@transaction.atomic
def alliance_member_remove(*, actor: Actor, member: AllianceMember) -> None:
    require_visible(actor, member)
    alliance = _editable_alliance(actor, member.alliance)
    name = str(member)
    member.delete()
    audit.record(
        actor=actor, action=Action.ALLIANCES_MEMBER_REMOVED, obj=alliance, data={"member": name}
    )


# --- innovation projects -----------------------------------------------------------------------


def _check_project(fields: dict[str, Any], actor: Actor) -> None:
    errors: dict[str, list[str]] = {}
    _text(errors, "title", fields["title"], 120, True)
    _text(errors, "goals", fields.get("goals", ""), 4000, False)
    if fields["organization"].kind not in LEAD_KINDS:
        errors["organization"] = [
            _("A project is led by a Party committee, general branch or branch.")
        ]
    if fields["due_on"] < fields["starts_on"]:
        errors["due_on"] = [_("The due date cannot be before the start.")]
    if fields["status"] not in ProjectStatus.values:
        errors["status"] = [_("Unknown status.")]
    if not 0 <= fields.get("progress", 0) <= 100:
        errors["progress"] = [_("Progress is a percentage from 0 to 100.")]
    alliance = fields.get("alliance")
    if alliance is not None:
        require_visible(actor, alliance)
        if alliance.town_id != fields["organization"].town_id:
            errors["alliance"] = [_("The alliance must be of the same town.")]
    _raise(errors)


@transaction.atomic
def project_create(
    *,
    actor: Actor,
    title: str,
    organization: Organization,
    starts_on: dt.date,
    due_on: dt.date,
    goals: str = "",
    alliance: Alliance | None = None,
    status: str = ProjectStatus.PLANNED,
    progress: int = 0,
    is_demo: bool = False,
) -> InnovationProject:
    require(actor, Cap.EDIT_PARTY)
    require_reach(actor, organization)
    fields = {
        "title": title,
        "organization": organization,
        "starts_on": starts_on,
        "due_on": due_on,
        "goals": goals,
        "alliance": alliance,
        "status": status,
        "progress": progress,
    }
    _check_project(fields, actor)
    project = InnovationProject.objects.create(
        title=title.strip(),
        organization=organization,
        org_path=organization.path,
        town=organization.town,
        alliance=alliance,
        goals=goals.strip(),
        starts_on=starts_on,
        due_on=due_on,
        status=status,
        progress=progress,
        created_at=clock.now(),
        is_demo=is_demo,
    )
    audit.record(actor=actor, action=Action.ALLIANCES_PROJECT_CREATED, obj=project)
    return project


def _editable_project(actor: Actor, project: InnovationProject) -> InnovationProject:
    require(actor, Cap.EDIT_PARTY)
    require_visible(actor, project)
    project = (
        InnovationProject.objects.select_for_update()
        .select_related("organization")
        .get(pk=project.pk)
    )
    require_reach(actor, project.organization)
    return project


@transaction.atomic
def project_update(
    *,
    actor: Actor,
    project: InnovationProject,
    title: str,
    starts_on: dt.date,
    due_on: dt.date,
    goals: str = "",
    alliance: Alliance | None = None,
    status: str = ProjectStatus.PLANNED,
    progress: int | None = None,
) -> InnovationProject:
    """Change a project; `progress` is kept from the milestones when it has any."""
    project = _editable_project(actor, project)
    has_milestones = project.milestones.exists()
    fields = {
        "title": title,
        "organization": project.organization,
        "starts_on": starts_on,
        "due_on": due_on,
        "goals": goals,
        "alliance": alliance,
        "status": status,
        "progress": project.progress if progress is None else progress,
    }
    _check_project(fields, actor)
    project.title, project.goals, project.alliance = title.strip(), goals.strip(), alliance
    project.starts_on, project.due_on, project.status = starts_on, due_on, status
    if not has_milestones and progress is not None:
        project.progress = progress
    project.save()
    audit.record(actor=actor, action=Action.ALLIANCES_PROJECT_UPDATED, obj=project)
    return project


def _recount(project: InnovationProject) -> None:
    milestones = list(project.milestones.values_list("done_on", flat=True))
    if milestones:
        done = sum(1 for d in milestones if d is not None)
        project.progress = round(100 * done / len(milestones))
        project.save(update_fields=["progress", "status"])


@transaction.atomic
def milestone_add(
    *, actor: Actor, project: InnovationProject, title: str, due_on: dt.date
) -> Milestone:
    project = _editable_project(actor, project)
    errors: dict[str, list[str]] = {}
    _text(errors, "title", title, 120, True)
    _raise(errors)
    position = project.milestones.count() + 1
    milestone = Milestone.objects.create(
        project=project, title=title.strip(), due_on=due_on, position=position
    )
    _recount(project)
    audit.record(
        actor=actor, action=Action.ALLIANCES_MILESTONE_ADDED, obj=project, data={"title": title}
    )
    return milestone


@transaction.atomic
def milestone_tick(
    *, actor: Actor, milestone: Milestone, done: bool = True, on: dt.date | None = None
) -> Milestone:
    """Mark a milestone done (today unless `on`) or not done; the project's progress follows."""
    require_visible(actor, milestone)
    project = _editable_project(actor, milestone.project)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    on = on or clock.today()
    if done and on > clock.today():
        raise ValidationError({"done_on": _("This date is in the future.")})
    milestone.done_on = on if done else None
    milestone.save(update_fields=["done_on"])
    if done and project.status == ProjectStatus.PLANNED:
        project.status = ProjectStatus.IN_PROGRESS
    _recount(project)
    project.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action=Action.ALLIANCES_MILESTONE_DONE,
        obj=project,
        data={"milestone": milestone.pk, "done": done},
    )
    return milestone
