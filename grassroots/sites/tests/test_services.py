"""The site services: creation, the committee's fields, stages in order, the checklist, photos,
visits, audit rows, and the records that complete duty items."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from PIL import Image

from grassroots.core import records
from grassroots.core.audit import Action, AuditEvent
from grassroots.sites import selectors, services
from grassroots.sites.models import STAGES, Project, ProjectVisit, Stage
from grassroots.testing import Town

pytestmark = pytest.mark.django_db
D = dt.date


def make(town: Town, actor: Any = None, **over: Any) -> Project:
    fields: dict[str, Any] = {
        "branch": town.branch_a,
        "name": "明月村党群服务中心",
        "checklist": ["标识标牌规范", "制度上墙"],
    }
    fields.update(over)
    return services.project_create(actor=actor or town.alice, **fields)


START = D(2026, 1, 5)


def walk(project: Project, actor: Any, upto: str, start: dt.date = START) -> Project:
    for n, stage in enumerate(STAGES[: STAGES.index(upto) + 1]):
        services.stage_reach(actor=actor, project=project, stage=stage, on=start + dt.timedelta(n))
    project.refresh_from_db()
    return project


def jpeg_with_gps() -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[2] = (28.0, 10.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("IMG_0001.jpg", out.getvalue(), content_type="image/jpeg")


def test_create_makes_six_steps_the_checklist_and_the_default_deadline(
    town: Town, today: dt.date
) -> None:
    project = make(town, town.sam, planned={"survey": D(2026, 3, 20), "build": D(2026, 4, 30)})
    assert [s.stage for s in project.steps.order_by("pk")] == STAGES
    assert project.steps.get(stage="build").planned_on == D(2026, 4, 30)
    assert list(project.checks.values_list("text", flat=True)) == ["标识标牌规范", "制度上墙"]
    assert project.deadline == D(2026, 5, 31)  # the next 31 May
    assert services.default_deadline(D(2026, 6, 1)) == D(2027, 5, 31)
    assert project.org_path == town.branch_a.path and project.stage == ""
    assert AuditEvent.objects.filter(action=Action.SITES_PROJECT_CREATED).count() == 1


def test_only_the_committee_sets_the_deadline_and_the_demonstration_flag(
    town: Town, today: dt.date
) -> None:
    with pytest.raises(PermissionDenied, match="committee"):
        make(town, town.sam, deadline=D(2026, 4, 30))
    with pytest.raises(PermissionDenied):
        make(town, town.sam, is_demonstration=True)
    project = make(town, town.sam)
    with pytest.raises(PermissionDenied):
        services.project_update(actor=town.sam, project=project, is_demonstration=True)
    services.project_update(actor=town.sam, project=project, name="新名称", address="村部东侧")
    services.project_update(
        actor=town.olga, project=project, is_demonstration=True, deadline=D(2026, 4, 30)
    )
    project.refresh_from_db()
    assert (project.name, project.is_demonstration, project.deadline) == (
        "新名称",
        True,
        D(2026, 4, 30),
    )
    assert AuditEvent.objects.filter(action=Action.SITES_PROJECT_UPDATED).count() == 2


def test_out_of_reach_is_404_and_without_the_capability_403(town: Town, today: dt.date) -> None:
    with pytest.raises(Http404):
        make(town, town.sam, branch=town.branch_b)
    project = make(town, branch=town.branch_b)
    with pytest.raises(Http404):
        services.stage_reach(actor=town.sam, project=project, stage="survey")
    with pytest.raises(PermissionDenied):
        services.stage_reach(actor=town.ivan, project=project, stage="survey")  # no MANAGE_SITES
    with pytest.raises(ValidationError) as error:
        make(town, branch=town.committee)
    assert "branch" in error.value.message_dict


def test_stages_are_reached_in_order_and_a_wrong_move_names_the_next(
    town: Town, today: dt.date, seen: list[dict[str, Any]]
) -> None:
    project = make(town, town.sam)
    with pytest.raises(ValidationError) as error:
        services.stage_reach(actor=town.sam, project=project, stage="design")
    assert "the next one is Survey" in str(error.value)
    services.stage_reach(actor=town.sam, project=project, stage="survey", on=D(2026, 3, 2))
    with pytest.raises(ValidationError, match="cannot be earlier"):
        services.stage_reach(actor=town.sam, project=project, stage="siting", on=D(2026, 3, 1))
    with pytest.raises(ValidationError, match="future"):
        services.stage_reach(actor=town.sam, project=project, stage="siting", on=D(2026, 3, 11))
    services.stage_reach(actor=town.sam, project=project, stage="siting")
    project.refresh_from_db()
    assert project.stage == Stage.SITING
    assert project.steps.get(stage="siting").done_on == today
    assert [(e["kind"], e["on"]) for e in seen] == [
        ("sites.stage.survey", D(2026, 3, 2)),
        ("sites.stage.siting", today),
    ]
    assert seen[0]["organization_id"] == town.branch_a.pk and seen[0]["record_id"] == project.pk
    assert AuditEvent.objects.filter(action=Action.SITES_STAGE_REACHED).count() == 2


def test_acceptance_and_use_are_the_committees_and_use_needs_every_item_met(
    town: Town, today: dt.date
) -> None:
    project = walk(make(town, town.sam), town.sam, "build")
    with pytest.raises(PermissionDenied, match="committee"):
        services.stage_reach(actor=town.sam, project=project, stage="acceptance")
    services.stage_reach(actor=town.olga, project=project, stage="acceptance")
    first, second = project.checks.order_by("position")
    services.check_set(actor=town.sam, item=first, done=True, note="已完成")
    with pytest.raises(ValidationError) as error:
        services.stage_reach(actor=town.olga, project=project, stage="in_use")
    assert "制度上墙" in str(error.value) and "标识标牌规范" not in str(error.value)
    services.check_set(actor=town.olga, item=second, done=True)
    services.stage_reach(actor=town.olga, project=project, stage="in_use")
    project.refresh_from_db()
    assert project.stage == Stage.IN_USE
    with pytest.raises(ValidationError, match="already in use"):
        services.stage_reach(actor=town.olga, project=project, stage="in_use")
    with pytest.raises(ValidationError, match="no longer change"):
        services.check_set(actor=town.olga, item=first, done=False)
    assert AuditEvent.objects.filter(action=Action.SITES_CHECK_SET).count() == 2


def test_correcting_a_date_keeps_the_order_and_emits_again(
    town: Town, today: dt.date, seen: list[dict[str, Any]]
) -> None:
    project = walk(make(town), town.alice, "design", start=D(2026, 3, 1))  # 1, 2, 3 March
    seen.clear()
    with pytest.raises(ValidationError, match="between"):
        services.stage_correct(actor=town.alice, project=project, stage="siting", on=D(2026, 3, 4))
    with pytest.raises(ValidationError, match="reached stage"):
        services.stage_correct(actor=town.alice, project=project, stage="build", on=today)
    services.stage_correct(actor=town.alice, project=project, stage="design", on=D(2026, 3, 5))
    assert project.steps.get(stage="design").done_on == D(2026, 3, 5)
    assert [(e["kind"], e["on"]) for e in seen] == [("sites.stage.design", D(2026, 3, 5))]
    assert AuditEvent.objects.filter(action=Action.SITES_STAGE_CORRECTED).count() == 1


def test_planned_dates_do_not_go_backwards(town: Town, today: dt.date) -> None:
    project = make(town)
    services.plan_set(
        actor=town.sam, project=project, planned={"design": D(2026, 4, 1), "build": D(2026, 5, 1)}
    )
    with pytest.raises(ValidationError, match="cannot be before"):
        services.plan_set(actor=town.sam, project=project, planned={"acceptance": D(2026, 4, 15)})
    with pytest.raises(ValidationError):
        make(town, planned={"survey": D(2026, 5, 1), "siting": D(2026, 4, 1)})
    assert AuditEvent.objects.filter(action=Action.SITES_PLAN_SET).count() == 1


def test_a_photo_is_re_encoded_without_its_location_and_a_non_image_refused(
    town: Town, today: dt.date, media: Any
) -> None:
    project = make(town)
    upload = jpeg_with_gps()
    assert Image.open(io.BytesIO(upload.read())).getexif().get_ifd(0x8825)
    upload.seek(0)
    photo = services.photo_add(actor=town.sam, project=project, upload=upload, caption="外景")
    assert photo.image.name.startswith("sites/photos/") and "IMG_0001" not in photo.image.name
    stored = Image.open(photo.image.path)
    assert stored.format == "JPEG" and not stored.getexif()
    with open(photo.image.path, "rb") as f:
        assert b"PhoneMaker" not in f.read()
    bad = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        services.photo_add(actor=town.sam, project=project, upload=bad)
    assert "JPEG, PNG, WebP or GIF" in str(error.value.message_dict["image"])
    assert project.photos.count() == 1
    assert AuditEvent.objects.filter(action=Action.SITES_PHOTO_ADDED).count() == 1


def test_a_guidance_visit_is_logged_through_party_and_linked(town: Town, today: dt.date) -> None:
    project = make(town, branch=town.branch_b)
    link = services.visit_log(actor=town.ivan, project=project, topic="指导阵地选址")
    assert link.visit.organization_id == town.branch_b.pk
    assert link.visit.instructor == town.instructor
    assert ProjectVisit.objects.visible_to(town.ivan).count() == 1
    assert AuditEvent.objects.filter(action=Action.PARTY_GUIDANCE_VISIT_LOGGED).count() == 1
    assert AuditEvent.objects.filter(action=Action.SITES_VISIT_LINKED).count() == 1
    with pytest.raises(ValidationError, match="instructor"):
        services.visit_log(actor=town.alice, project=project, topic="镇里指导")
    other = make(town)
    with pytest.raises(Http404):
        services.visit_log(actor=town.ivan, project=other, topic="不联系的支部")


def test_every_stage_is_a_record_kind_and_the_finder_answers_earliest_per_branch(
    town: Town, today: dt.date
) -> None:
    for stage in STAGES:
        kind = records.get(f"sites.stage.{stage}")
        assert kind is not None and kind.url_name == "sites:project"
    a = walk(make(town), town.alice, "siting", start=D(2026, 3, 2))
    b = walk(make(town, branch=town.branch_b), town.alice, "survey", start=D(2026, 2, 27))
    find = records.get("sites.stage.survey").find
    ids = [town.branch_a.pk, town.branch_b.pk]
    assert find(ids, D(2026, 3, 1), D(2026, 3, 31)) == {town.branch_a.pk: (a.pk, D(2026, 3, 2))}
    assert find(ids, D(2026, 2, 1), D(2026, 2, 28)) == {town.branch_b.pk: (b.pk, D(2026, 2, 27))}


def test_overdue_is_past_the_deadline_or_a_planned_date_missed(town: Town, today: dt.date) -> None:
    on_time = make(town, planned={"survey": D(2026, 3, 20)})
    late_step = make(town, branch=town.branch_b, planned={"survey": D(2026, 3, 9)})
    late_deadline = make(town, branch=town.branch_firm, deadline=D(2026, 3, 1))
    rows = {p.pk: p.overdue for p in selectors.projects(town.alice)}
    assert rows == {on_time.pk: False, late_step.pk: True, late_deadline.pk: True}
    assert selectors.overdue_count(selectors.projects(town.alice)) == 2
    # The count and the filter (a hashed IN) keep the annotation's rule (a probe per row).
    late = selectors.overdue_q(today)
    assert set(selectors.projects(town.alice).filter(late).values_list("pk", flat=True)) == {
        late_step.pk,
        late_deadline.pk,
    }
    walk(late_step, town.alice, "survey", start=D(2026, 3, 9))
    assert not selectors.projects(town.alice).get(pk=late_step.pk).overdue
    assert selectors.overdue_count(selectors.projects(town.alice)) == 1
