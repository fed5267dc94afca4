"""Every change to branch-site projects (阵地建设), for pages, API and demo alike.

Rules kept here:

- every change needs `Cap.MANAGE_SITES` (town admin, organisation officer, secretary) and
  a project (or branch) the actor reaches; out of reach is 404, as if it did not exist;
- **the deadline and the demonstration flag are the committee's**: only holders of
  `Cap.ACCEPT_SITES` (town admin, organisation officer: both at committee level) may set
  them. A project created by someone else gets the town's campaign deadline,
  `default_deadline()` (the next 31 May), and no demonstration flag;
- **stages are reached in order** (摸底 → 选址 → 设计 → 建设 → 验收 → 投用): only the stage after
  the last one reached, on a date not in the future and not before the previous stage's; a
  wrong move names the stage that may come next. **验收 and 投用 need `Cap.ACCEPT_SITES`**, and
  投用 needs every acceptance checklist item met (the unmet ones are named);
- reaching a stage emits `Event.BRANCH_RECORD` (kind `sites.stage.<stage>`), and so does a
  corrected date, so a duty item of the new period sees it;
- planned dates, when given, do not go backwards from one stage to the next;
- photos are re-encoded without metadata (`core.images`), at most `MAX_PHOTOS` per project;
- a guidance visit about a project is logged through `party.services.guidance_visit_log`
  (its rules: `Cap.LOG_GUIDANCE`, an instructor) and linked to the project;
- one audit row per change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit, clock
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.events import Event, emit
from grassroots.core.images import clean_image
from grassroots.core.roles import Cap
from grassroots.core.scoping import scope_for
from grassroots.core.services import require, require_reach, require_visible
from grassroots.party import services as party
from grassroots.party.models import Instructor, Organization
from grassroots.sites.models import (
    MAX_PHOTOS,
    STAGES,
    CheckItem,
    Photo,
    Project,
    ProjectVisit,
    Stage,
    StageStep,
)

SITE_ORG_KINDS = (Organization.Kind.BRANCH, Organization.Kind.GENERAL_BRANCH)
# Stages only the committee signs off.
COMMITTEE_STAGES = (Stage.ACCEPTANCE, Stage.IN_USE)
DEADLINE_DAY = (5, 31)  # the town's campaign: sites in use by 31 May


def record_key(stage: str) -> str:
    """The `core.records` key of reaching a stage."""
    return f"sites.stage.{stage}"


def default_deadline(today: dt.date | None = None) -> dt.date:
    """The next 31 May on or after today."""
    today = today or clock.today()
    month, day = DEADLINE_DAY
    this_year = dt.date(today.year, month, day)
    return this_year if this_year >= today else dt.date(today.year + 1, month, day)


def next_stage(project: Project) -> str | None:
    """The stage that may be reached next, None once the site is in use."""
    if not project.stage:
        return STAGES[0]
    index = STAGES.index(project.stage)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def stage_label(stage: str) -> str:
    return str(Stage(stage).label)


def accepts(actor: Actor) -> bool:
    return scope_for(actor).can(Cap.ACCEPT_SITES)


def _require_committee(actor: Actor, field: str) -> None:
    if not accepts(actor):
        raise PermissionDenied(
            _(
                "Only the town's Party committee (the organisation officer or a town "
                "administrator) may set %(field)s."
            )
            % {"field": field}
        )


def _text(errors: dict[str, list[str]], name: str, value: str, limit: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(name, []).append(_("This field is required."))
    elif len(value) > limit:
        errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limit})
    return value


def _check_planned(errors: dict[str, list[str]], planned: Mapping[str, dt.date | None]) -> None:
    unknown = [s for s in planned if s not in STAGES]
    if unknown:
        errors.setdefault("planned", []).append(
            _("Unknown stage: %(stages)s") % {"stages": "、".join(unknown)}
        )
        return
    last: tuple[str, dt.date] | None = None
    for stage in STAGES:
        when = planned.get(stage)
        if when is None:
            continue
        if last is not None and when < last[1]:
            errors.setdefault("planned", []).append(
                _("The planned date of %(stage)s cannot be before that of %(previous)s.")
                % {"stage": stage_label(stage), "previous": stage_label(last[0])}
            )
        last = (stage, when)


@transaction.atomic
def project_create(
    *,
    actor: Actor,
    branch: Organization,
    name: str,
    address: str = "",
    area_m2: int | None = None,
    deadline: dt.date | None = None,
    is_demonstration: bool = False,
    linked_projects: str = "",
    notes: str = "",
    planned: Mapping[str, dt.date | None] | None = None,
    checklist: Sequence[str] = (),
    is_demo: bool = False,
) -> Project:
    require(actor, Cap.MANAGE_SITES)
    require_reach(actor, branch)
    if deadline is not None:
        _require_committee(actor, _("the deadline"))
    if is_demonstration:
        _require_committee(actor, _("the demonstration flag"))
    errors: dict[str, list[str]] = {}
    if branch.kind not in SITE_ORG_KINDS:
        errors["branch"] = [_("A site project belongs to a branch or a general branch.")]
    name = _text(errors, "name", name, 100, True)
    address = _text(errors, "address", address, 200, False)
    planned = dict(planned or {})
    _check_planned(errors, planned)
    items = [(text or "").strip() for text in checklist if (text or "").strip()]
    if any(len(text) > 200 for text in items):
        errors["checklist"] = [_("At most %(n)d characters.") % {"n": 200}]
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    project = Project.objects.create(
        branch=branch,
        org_path=branch.path,
        town=branch.town,
        name=name,
        address=address,
        area_m2=area_m2,
        deadline=deadline or default_deadline(),
        is_demonstration=is_demonstration,
        linked_projects=(linked_projects or "").strip(),
        notes=(notes or "").strip(),
        created_at=now,
        updated_at=now,
        is_demo=is_demo,
    )
    StageStep.objects.bulk_create(
        StageStep(project=project, stage=stage, planned_on=planned.get(stage)) for stage in STAGES
    )
    CheckItem.objects.bulk_create(
        CheckItem(project=project, position=n, text=text) for n, text in enumerate(items, 1)
    )
    audit.record(
        actor=actor,
        action=Action.SITES_PROJECT_CREATED,
        obj=project,
        data={"branch": branch.pk, "deadline": project.deadline.isoformat()},
    )
    emit(Event.FIGURES_STALE, org_path=project.org_path)
    return project


def _locked(actor: Actor, project: Project) -> Project:
    require(actor, Cap.MANAGE_SITES)
    require_visible(actor, project)
    return Project.objects.select_for_update().select_related("branch").get(pk=project.pk)


@transaction.atomic
def project_update(*, actor: Actor, project: Project, **changes: Any) -> Project:
    """Change the given details (name, address, area_m2, linked_projects, notes; the
    committee's deadline and is_demonstration); a field left out is kept."""
    project = _locked(actor, project)
    allowed = {"name", "address", "area_m2", "linked_projects", "notes", "deadline"}
    allowed.add("is_demonstration")
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    if "deadline" in changes and changes["deadline"] != project.deadline:
        _require_committee(actor, _("the deadline"))
    if "is_demonstration" in changes and changes["is_demonstration"] != project.is_demonstration:
        _require_committee(actor, _("the demonstration flag"))
    errors: dict[str, list[str]] = {}
    for name, limit, required in (("name", 100, True), ("address", 200, False)):
        if name in changes:
            changes[name] = _text(errors, name, changes[name], limit, required)
    if "deadline" in changes and changes["deadline"] is None:
        errors["deadline"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    changed = []
    for name, value in changes.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(project, name) != value:
            setattr(project, name, value)
            changed.append(name)
    project.updated_at = clock.now()
    project.save()
    audit.record(
        actor=actor, action=Action.SITES_PROJECT_UPDATED, obj=project, data={"changed": changed}
    )
    emit(Event.FIGURES_STALE, org_path=project.org_path)
    return project


@transaction.atomic
def plan_set(*, actor: Actor, project: Project, planned: Mapping[str, dt.date | None]) -> Project:
    """Set the planned dates of the stages given (None clears one)."""
    project = _locked(actor, project)
    steps = {step.stage: step for step in project.steps.all()}
    merged = {stage: steps[stage].planned_on for stage in STAGES}
    merged.update(planned)
    errors: dict[str, list[str]] = {}
    _check_planned(errors, merged)
    if errors:
        raise ValidationError(errors)
    for stage, when in planned.items():
        steps[stage].planned_on = when
    StageStep.objects.bulk_update(steps.values(), ["planned_on"])
    project.updated_at = clock.now()
    project.save(update_fields=["updated_at"])
    audit.record(
        actor=actor,
        action=Action.SITES_PLAN_SET,
        obj=project,
        data={s: (d.isoformat() if d else None) for s, d in planned.items()},
    )
    return project


def _emit(project: Project, stage: str, on: dt.date) -> None:
    emit(Event.FIGURES_STALE, org_path=project.org_path)
    emit(
        Event.BRANCH_RECORD,
        kind=record_key(stage),
        organization_id=project.branch_id,
        on=on,
        record_id=project.pk,
    )


def _check_reach(project: Project, stage: str, on: dt.date, steps: dict[str, StageStep]) -> None:
    allowed = next_stage(project)
    if allowed is None:
        raise ValidationError({"stage": [_("The site is already in use: every stage is reached.")]})
    if stage != allowed:
        raise ValidationError(
            {
                "stage": [
                    _("Stages are reached in order: the next one is %(stage)s.")
                    % {"stage": stage_label(allowed)}
                ]
            }
        )
    if on > clock.today():
        raise ValidationError({"on": [_("A stage cannot be reached in the future.")]})
    if project.stage and steps[project.stage].done_on and on < steps[project.stage].done_on:
        raise ValidationError(
            {
                "on": [
                    _("%(stage)s was reached on %(date)s; the next stage cannot be earlier.")
                    % {
                        "stage": stage_label(project.stage),
                        "date": steps[project.stage].done_on.isoformat(),
                    }
                ]
            }
        )


@transaction.atomic
def stage_reach(
    *, actor: Actor, project: Project, stage: str, on: dt.date | None = None, note: str = ""
) -> StageStep:
    """Mark `stage` reached on `on` (today by default): the next stage only, see the rules."""
    project = _locked(actor, project)
    if stage in COMMITTEE_STAGES and not accepts(actor):
        raise PermissionDenied(
            _("Only the town's Party committee may sign off %(stage)s.")
            % {"stage": stage_label(stage)}
        )
    on = on or clock.today()
    steps = {step.stage: step for step in project.steps.all()}
    _check_reach(project, stage, on, steps)
    if stage == Stage.IN_USE:
        unmet = list(project.checks.filter(done=False).values_list("text", flat=True))
        if unmet:
            raise ValidationError(
                {
                    "stage": [
                        _(
                            "Every acceptance item must be met before the site is put into use; "
                            "not yet met: %(items)s"
                        )
                        % {"items": "；".join(unmet)}
                    ]
                }
            )
    errors: dict[str, list[str]] = {}
    note = _text(errors, "note", note, 200, False)
    if errors:
        raise ValidationError(errors)
    step = steps[stage]
    step.done_on, step.note = on, note
    step.done_by = actor if getattr(actor, "pk", None) else None
    step.save(update_fields=["done_on", "done_by", "note"])
    project.stage = stage
    project.updated_at = clock.now()
    project.save(update_fields=["stage", "updated_at"])
    audit.record(
        actor=actor,
        action=Action.SITES_STAGE_REACHED,
        obj=project,
        data={"stage": stage, "on": on.isoformat()},
    )
    _emit(project, stage, on)
    return step


@transaction.atomic
def stage_correct(*, actor: Actor, project: Project, stage: str, on: dt.date) -> StageStep:
    """Correct the date a reached stage was reached on, keeping the stages in order."""
    project = _locked(actor, project)
    if stage in COMMITTEE_STAGES and not accepts(actor):
        raise PermissionDenied(
            _("Only the town's Party committee may sign off %(stage)s.")
            % {"stage": stage_label(stage)}
        )
    steps = {step.stage: step for step in project.steps.all()}
    step = steps.get(stage)
    if step is None or step.done_on is None:
        raise ValidationError({"stage": [_("Only the date of a reached stage can be corrected.")]})
    index = STAGES.index(stage)
    before = steps[STAGES[index - 1]].done_on if index else None
    after = steps[STAGES[index + 1]].done_on if index + 1 < len(STAGES) else None
    if on > clock.today():
        raise ValidationError({"on": [_("A stage cannot be reached in the future.")]})
    if (before and on < before) or (after and on > after):
        raise ValidationError(
            {"on": [_("The date must lie between the dates of the stages before and after.")]}
        )
    old = step.done_on
    step.done_on = on
    step.save(update_fields=["done_on"])
    audit.record(
        actor=actor,
        action=Action.SITES_STAGE_CORRECTED,
        obj=project,
        data={"stage": stage, "from": old.isoformat(), "to": on.isoformat()},
    )
    if on != old:
        _emit(project, stage, on)
    return step


@transaction.atomic
def check_add(*, actor: Actor, project: Project, text: str) -> CheckItem:
    project = _locked(actor, project)
    errors: dict[str, list[str]] = {}
    text = _text(errors, "text", text, 200, True)
    if errors:
        raise ValidationError(errors)
    position = project.checks.count() + 1
    item = CheckItem.objects.create(project=project, position=position, text=text)
    audit.record(actor=actor, action=Action.SITES_CHECK_ADDED, obj=project, data={"text": text})
    return item


@transaction.atomic
def check_set(*, actor: Actor, item: CheckItem, done: bool, note: str = "") -> CheckItem:
    """Tick or untick an acceptance item; once the site is in use the checklist stands."""
    require(actor, Cap.MANAGE_SITES)
    require_visible(actor, item)
    item = CheckItem.objects.select_for_update().select_related("project").get(pk=item.pk)
    if item.project.stage == Stage.IN_USE:
        raise ValidationError(
            {"done": [_("The site is in use: its acceptance checklist can no longer change.")]}
        )
    errors: dict[str, list[str]] = {}
    note = _text(errors, "note", note, 200, False)
    if errors:
        raise ValidationError(errors)
    item.done, item.note = bool(done), note
    item.done_by = (actor if getattr(actor, "pk", None) else None) if done else None
    item.done_at = clock.now() if done else None
    item.save(update_fields=["done", "note", "done_by", "done_at"])
    audit.record(
        actor=actor,
        action=Action.SITES_CHECK_SET,
        obj=item.project,
        data={"item": item.pk, "done": item.done},
    )
    return item


@transaction.atomic
def photo_add(
    *, actor: Actor, project: Project, upload: Any, caption: str = "", stage: str = ""
) -> Photo:
    project = _locked(actor, project)
    errors: dict[str, list[str]] = {}
    caption = _text(errors, "caption", caption, 100, False)
    if stage and stage not in STAGES:
        errors["stage"] = [_("Unknown stage: %(stages)s") % {"stages": stage}]
    if project.photos.count() >= MAX_PHOTOS:
        errors["image"] = [_("At most %(n)d photos.") % {"n": MAX_PHOTOS}]
    if errors:
        raise ValidationError(errors)
    try:
        clean = clean_image(upload)
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from None
    photo = Photo(
        project=project,
        stage=stage,
        caption=caption,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        uploaded_at=clock.now(),
    )
    photo.image.save(clean.name, clean, save=False)
    photo.save()
    audit.record(
        actor=actor, action=Action.SITES_PHOTO_ADDED, obj=project, data={"photo": photo.pk}
    )
    return photo


@transaction.atomic
def visit_log(
    *,
    actor: Actor,
    project: Project,
    topic: str,
    notes: str = "",
    visited_on: dt.date | None = None,
    instructor: Instructor | None = None,
    is_demo: bool = False,
) -> ProjectVisit:
    """Log a guidance visit about the project (party's service) and link it."""
    require_visible(actor, project)
    visit = party.guidance_visit_log(
        actor=actor,
        organization=project.branch,
        topic=topic,
        notes=notes,
        visited_on=visited_on,
        instructor=instructor,
        is_demo=is_demo,
    )
    link = ProjectVisit.objects.create(project=project, visit=visit)
    audit.record(
        actor=actor, action=Action.SITES_VISIT_LINKED, obj=project, data={"visit": visit.pk}
    )
    return link
