"""The secretary's and the reviewer's moves, evidence, completion by records, overdue, figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404

from grassroots.core import clock
from grassroots.core.audit import Action
from grassroots.core.events import Event, emit
from grassroots.core.models import AuditEvent
from grassroots.duties import figures, services
from grassroots.duties.evidence import MAX_BYTES
from grassroots.duties.models import Assignment, BranchFigure, Cadence, DueRule, Evidence
from grassroots.duties.tests.conftest import item_fields, make_plan
from grassroots.notify.models import Notice
from grassroots.party import services as party

pytestmark = pytest.mark.django_db
D = dt.date
S = Assignment.Status
PDF = b"%PDF-1.4\n%test\n"


def pdf(name: str = "会议纪要.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def one(town, **fields) -> Assignment:
    make_plan(town, item_fields(**fields))
    services.generate(on=clock.today())
    return Assignment.objects.get(organization=town.branch_a)


def figure(a: Assignment) -> BranchFigure:
    return BranchFigure.objects.get(organization=a.organization, cadence=a.cadence, period=a.period)


def test_secretary_ticks_off_and_undoes(town, now) -> None:
    a = one(town)
    a = services.assignment_complete(actor=town.sam, assignment=a, note="已完成")
    assert (a.status, a.done_by, a.note) == (S.DONE, town.sam, "已完成")
    assert (figure(a).done, figure(a).done_on_time, figure(a).weight_done) == (1, 1, 100)
    a = services.assignment_reopen(actor=town.sam, assignment=a)
    assert a.status == S.NOT_STARTED and a.done_at is None
    assert figure(a).done == 0
    actions = list(
        AuditEvent.objects.filter(object_type="duties.assignment", object_id=str(a.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [Action.DUTIES_ASSIGNMENT_COMPLETED, Action.DUTIES_ASSIGNMENT_REOPENED]


def test_wrong_transitions_name_the_allowed_ones(town, now) -> None:
    a = services.assignment_complete(actor=town.sam, assignment=one(town))
    with pytest.raises(ValidationError) as exc:
        services.assignment_complete(actor=town.sam, assignment=a)
    message = exc.value.message_dict["status"][0]
    assert "reopen it" in message and "done" in message
    with pytest.raises(ValidationError):
        services.assignment_review(actor=town.olga, assignment=a, approve=True)
    with pytest.raises(ValidationError):
        services.step_toggle(actor=town.sam, assignment=a, index=0)
    a = services.assignment_reopen(actor=town.sam, assignment=a)
    with pytest.raises(ValidationError) as exc:
        services.assignment_reopen(actor=town.sam, assignment=a)
    assert "mark it done" in exc.value.message_dict["status"][0]


def test_steps_toggle(town, now) -> None:
    a = one(town, steps=["学习", "讨论"])
    a = services.step_toggle(actor=town.sam, assignment=a, index=1)
    assert a.steps == [{"title": "学习", "done": False}, {"title": "讨论", "done": True}]
    a = services.step_toggle(actor=town.sam, assignment=a, index=1)
    assert a.steps[1]["done"] is False
    for bad in (2, -1, "0"):
        with pytest.raises(ValidationError) as exc:
            services.step_toggle(actor=town.sam, assignment=a, index=bad)
        assert "index" in exc.value.message_dict


def test_out_of_reach_is_404_and_wrong_role_is_refused(town, now) -> None:
    make_plan(town)
    services.generate(on=clock.today())
    b = Assignment.objects.get(organization=town.branch_b)
    with pytest.raises(Http404):
        services.assignment_complete(actor=town.sam, assignment=b)
    with pytest.raises(PermissionDenied):
        services.assignment_complete(actor=town.olga, assignment=b)
    with pytest.raises(PermissionDenied):
        services.assignment_reopen(actor=town.oscar, assignment=b)
    b.refresh_from_db()
    assert b.status == S.NOT_STARTED


def test_evidence_is_optional_and_one_file_is_enough_when_required(town, now) -> None:
    make_plan(
        town,
        item_fields(weight=40),
        item_fields(title="可选", weight=30, evidence=Evidence.OPTIONAL),
        item_fields(title="必需", weight=30, evidence=Evidence.REQUIRED),
    )
    services.generate(on=clock.today())
    mine = Assignment.objects.filter(organization=town.branch_a).select_related("version")
    none, optional, required = (mine.get(version__title=t) for t in ("周工作提醒", "可选", "必需"))
    with pytest.raises(ValidationError) as exc:
        services.assignment_complete(actor=town.sam, assignment=none, evidence=pdf())
    assert "evidence" in exc.value.message_dict
    assert services.assignment_complete(actor=town.sam, assignment=optional).status == S.DONE
    with pytest.raises(ValidationError) as exc:
        services.assignment_complete(actor=town.sam, assignment=required)
    assert "evidence" in exc.value.message_dict
    done = services.assignment_complete(actor=town.sam, assignment=required, evidence=pdf())
    assert done.status == S.DONE and done.evidence.name.endswith(".pdf")
    assert "会议纪要" not in done.evidence.name


@pytest.mark.parametrize(
    "upload",
    [
        pdf("x.pdf", b"MZ\x90\x00 not a pdf"),
        pdf("x.exe", b"MZ\x90\x00"),
        pdf("x.pdf", b""),
        pdf("x.pdf", PDF + b"0" * MAX_BYTES),
    ],
)
def test_bad_files_are_refused_and_change_nothing(town, now, upload) -> None:
    a = one(town, evidence=Evidence.REQUIRED)
    with pytest.raises(ValidationError) as exc:
        services.assignment_complete(actor=town.sam, assignment=a, evidence=upload)
    assert "evidence" in exc.value.message_dict
    a.refresh_from_db()
    assert a.status == S.NOT_STARTED and not a.evidence


def test_no_item_requires_a_photo_a_scan_is_accepted_not_demanded(town, now) -> None:
    a = one(town, evidence=Evidence.REQUIRED)
    # A required file is any one document: a PDF passes without a photo.
    assert (
        services.assignment_complete(actor=town.sam, assignment=a, evidence=pdf()).status == "done"
    )
    assert "photo" not in Evidence.values
    assert {c.value for c in Evidence} == {"none", "optional", "required"}


def test_review_approves_or_returns_with_a_reason(town, now) -> None:
    a = one(town, review_required=True)
    a = services.assignment_complete(actor=town.sam, assignment=a)
    assert a.status == S.SUBMITTED and figure(a).submitted == 1
    with pytest.raises(PermissionDenied):
        services.assignment_review(actor=town.sam, assignment=a, approve=True)
    with pytest.raises(ValidationError) as exc:
        services.assignment_review(actor=town.olga, assignment=a, approve=False, reason=" \u200b ")
    assert "reason" in exc.value.message_dict
    a = services.assignment_review(actor=town.olga, assignment=a, approve=False, reason="记录不全")
    assert (a.status, a.returned_reason) == (S.RETURNED, "记录不全")
    assert (figure(a).submitted, figure(a).returned) == (0, 1)
    notice = Notice.objects.get(recipient=town.sam)
    assert notice.params["reason"] == "记录不全"
    a = services.assignment_complete(actor=town.sam, assignment=a)
    a = services.assignment_review(actor=town.olga, assignment=a, approve=True)
    assert (a.status, a.done_by, a.returned_reason) == (S.DONE, town.olga, "")
    fig = figure(a)
    assert (fig.done, fig.submitted, fig.returned) == (1, 0, 0)


def test_the_instructor_reviews_only_his_branch(town, now) -> None:
    make_plan(town, item_fields(review_required=True))
    services.generate(on=clock.today())
    a = Assignment.objects.get(organization=town.branch_a)
    a = services.assignment_complete(actor=town.sam, assignment=a)
    with pytest.raises(Http404):
        services.assignment_review(actor=town.ivan, assignment=a, approve=True)


def _record_event(branch, on: dt.date, record_id: int, kind: str) -> None:
    with transaction.atomic():
        emit(Event.BRANCH_RECORD, kind=kind, organization_id=branch.pk, on=on, record_id=record_id)


def test_a_record_completes_the_duty_through_the_event(town, now, visit_kind) -> None:
    a = one(town, completes_on=visit_kind.key)
    with pytest.raises(ValidationError) as exc:
        services.assignment_complete(actor=town.sam, assignment=a)
    assert "completes itself" in exc.value.message_dict["status"][0]
    _record_event(town.branch_a, D(2026, 11, 16), 5, visit_kind.key)  # last week: not this one
    _record_event(town.branch_b, D(2026, 11, 24), 6, visit_kind.key)  # another branch
    _record_event(town.branch_a, D(2026, 11, 24), 7, "other.kind")
    a.refresh_from_db()
    assert a.status == S.NOT_STARTED
    _record_event(town.branch_a, D(2026, 11, 24), 8, visit_kind.key)
    a.refresh_from_db()
    assert (a.status, a.record_kind, a.record_id, a.done_by) == (S.DONE, visit_kind.key, 8, None)
    assert visit_kind.url(a.record_id).endswith("/8/")
    assert figure(a).done == 1
    _record_event(town.branch_a, D(2026, 11, 25), 9, visit_kind.key)  # already done: kept
    a.refresh_from_db()
    assert a.record_id == 8
    with pytest.raises(ValidationError):
        services.assignment_reopen(actor=town.olga, assignment=a)
    # branch b's duty was completed by its own record (6), branch a's once (8)
    assert AuditEvent.objects.filter(action=Action.DUTIES_ASSIGNMENT_RECORDED).count() == 2


def test_a_rolled_back_record_completes_nothing(town, now, visit_kind) -> None:
    a = one(town, completes_on=visit_kind.key)
    with pytest.raises(RuntimeError), transaction.atomic():
        emit(
            Event.BRANCH_RECORD,
            kind=visit_kind.key,
            organization_id=town.branch_a.pk,
            on=D(2026, 11, 24),
            record_id=1,
        )
        raise RuntimeError
    a.refresh_from_db()
    assert a.status == S.NOT_STARTED and figure(a).done == 0


def test_a_real_guidance_visit_completes_through_the_finder_next_period(
    town, now, visit_kind
) -> None:
    make_plan(town, item_fields(completes_on=visit_kind.key))
    visit = party.guidance_visit_log(actor=town.ivan, organization=town.branch_b, topic="指导")
    services.generate(on=clock.today())
    b = Assignment.objects.get(organization=town.branch_b)
    assert (b.status, b.record_id) == (S.DONE, visit.pk)


def test_overdue_is_marked_once_and_counted(town, now) -> None:
    make_plan(town)
    services.generate(on=clock.today())
    a = Assignment.objects.get(organization=town.branch_a)
    services.assignment_complete(actor=town.sam, assignment=a)
    assert services.sweep_overdue(today=D(2026, 11, 27)) == 0  # due today: not yet late
    assert services.sweep_overdue(today=D(2026, 11, 28)) == 2  # branch b and the firm
    assert services.sweep_overdue(today=D(2026, 11, 29)) == 0
    b = Assignment.objects.get(organization=town.branch_b)
    assert b.overdue and figure(b).overdue == 1
    assert AuditEvent.objects.filter(action=Action.DUTIES_OVERDUE_MARKED).count() == 1


def test_rebuild_equals_the_increments_after_a_mixed_history(town, now, visit_kind) -> None:
    make_plan(
        town,
        item_fields(weight=20),
        item_fields(title="需审核", weight=20, review_required=True, steps=["一"]),
        item_fields(title="指导", weight=20, completes_on=visit_kind.key),
        item_fields(
            title="月度",
            weight=40,
            cadence=Cadence.MONTHLY,
            due_rule=DueRule.DAY_OF_MONTH,
            due_n=26,
        ),
    )
    services.generate(on=clock.today())
    mine = Assignment.objects.filter(organization=town.branch_a).select_related("version")
    plain, review, _visit, monthly = (
        mine.get(version__title=t) for t in ("周工作提醒", "需审核", "指导", "月度")
    )
    services.assignment_complete(actor=town.sam, assignment=plain)
    services.step_toggle(actor=town.sam, assignment=review, index=0)
    review = services.assignment_complete(actor=town.sam, assignment=review)
    services.assignment_review(actor=town.olga, assignment=review, approve=False, reason="补充材料")
    _record_event(town.branch_b, D(2026, 11, 25), 3, visit_kind.key)
    services.sweep_overdue(today=D(2026, 11, 28))
    clock.set_now(dt.datetime(2026, 11, 30, 9))
    services.assignment_complete(actor=town.sam, assignment=monthly)  # done late
    services.generate(on=clock.today())
    services.sweep_overdue(today=D(2026, 12, 5))
    services.assignment_reopen(actor=town.sam, assignment=plain)

    def snapshot() -> list[tuple]:
        names = (
            "organization_id",
            "cadence",
            "period",
            "org_path",
            "town_id",
            "period_start",
            *figures.FIELDS,
        )
        return sorted(BranchFigure.objects.values_list(*names))

    incremented = snapshot()
    assert figures.rebuild() == len(incremented)
    assert snapshot() == incremented
    assert figures.rebuild(towns=[town.town]) == len(incremented)
    assert snapshot() == incremented
    month = BranchFigure.objects.get(organization=town.branch_a, period="2026-11")
    assert (month.done, month.done_on_time) == (1, 0)


def test_the_overdue_sweep_works_in_batches(town, now) -> None:
    make_plan(town)
    for week in range(4):
        services.generate(on=D(2026, 11, 2) + dt.timedelta(weeks=week))
    assert services.sweep_overdue(today=D(2026, 11, 28), batch=5) == 4 * 3
    assert Assignment.objects.filter(overdue=False).count() == 0
    total = sum(BranchFigure.objects.filter(cadence="weekly").values_list("overdue", flat=True))
    assert total == 12
