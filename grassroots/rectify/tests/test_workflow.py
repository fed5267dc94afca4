"""The rectification workflow: who moves an item where, and nothing closes without review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from grassroots.core import clock, events, records
from grassroots.core.audit import Action
from grassroots.core.events import Event, Phase, subscribe
from grassroots.core.models import AuditEvent
from grassroots.notify.models import Notice
from grassroots.rectify import services, workflow
from grassroots.rectify.models import Item, ItemEvent, Source, Status
from grassroots.rectify.tests.conftest import register, staff, to_review
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def test_register_numbers_items_per_town_and_year(town: Town, today: dt.date) -> None:
    first = register(town)
    second = register(town, organization=town.branch_b)
    assert (first.code, second.code) == ("ZG-2026-0001", "ZG-2026-0002")
    assert first.status == Status.REGISTERED
    assert first.org_path == town.branch_a.path and first.town_id == town.town.pk
    assert AuditEvent.objects.filter(
        action=Action.RECTIFY_ITEM_REGISTERED, object_id=str(first.pk)
    ).exists()
    assert list(first.events.values_list("kind", flat=True)) == ["register"]


def test_only_managers_who_reach_the_unit_register(town: Town, today: dt.date) -> None:
    with pytest.raises(PermissionDenied):
        register(town, actor=town.sam)
    with pytest.raises(PermissionDenied):
        register(town, actor=town.ivan, organization=town.branch_b)
    assert register(town, actor=town.irene).pk
    assert register(town, actor=town.alice).pk
    assert Item.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("problem", {"problem": "   "}),
        ("source", {"source": "rumour"}),
        ("kind", {"kind": "whenever"}),
        ("deadline", {"deadline": dt.date(2020, 1, 1)}),
        ("deadline", {"deadline": "2026-12-01"}),
        ("person_name", {"person_name": "名" * 51}),
    ],
)
def test_bad_input_is_refused_by_field_and_changes_nothing(
    town: Town, today: dt.date, field: str, kw: dict
) -> None:
    with pytest.raises(ValidationError) as err:
        register(town, **kw)
    assert field in err.value.message_dict
    assert not Item.objects.exists()


def test_the_full_path_to_sign_off(town: Town, today: dt.date) -> None:
    item = register(town, person=town.sam)
    item = to_review(town, item)
    assert item.status == Status.UNDER_REVIEW
    item = services.item_sign_off(actor=town.irene, item=item, note="核查属实，同意销号")
    assert item.status == Status.CLOSED
    assert item.closed_at == clock.now() and item.closed_by == town.irene
    kinds = list(item.events.values_list("kind", flat=True))
    assert kinds == [
        "register",
        "hand_over",
        "start_rectifying",
        "request_signoff",
        "start_review",
        "sign_off",
    ]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        Action.RECTIFY_ITEM_ASSIGNED,
        Action.RECTIFY_ITEM_ACCEPTED,
        Action.RECTIFY_CLOSURE_REQUESTED,
        Action.RECTIFY_REVIEW_STARTED,
        Action.RECTIFY_ITEM_CLOSED,
    } <= actions
    assert Notice.objects.filter(recipient=town.sam, message="rectify.closed").count() == 1


def test_returned_items_go_back_to_work(town: Town, today: dt.date) -> None:
    item = to_review(town, register(town))
    with pytest.raises(ValidationError) as err:
        services.item_return(actor=town.olga, item=item, note="  ")
    assert "note" in err.value.message_dict
    item = services.item_return(actor=town.olga, item=item, note="记录仍缺两次")
    assert item.status == Status.RETURNED
    item = services.item_rework(actor=town.sam, item=item)
    assert item.status == Status.IN_PROGRESS


def test_nothing_closes_without_the_reviewer(town: Town, today: dt.date) -> None:
    item = register(town)
    # From every earlier state, signing off is refused and names what is allowed.
    with pytest.raises(ValidationError) as err:
        services.item_sign_off(actor=town.irene, item=item)
    assert "status" in err.value.message_dict
    assert "Hand over" in str(err.value) or "交办" in str(err.value)
    item = services.item_hand_over(actor=town.olga, item=item)
    item = services.item_start(actor=town.sam, item=item)
    item = services.item_request_signoff(actor=town.sam, item=item, note="done")
    with pytest.raises(ValidationError):
        services.item_sign_off(actor=town.irene, item=item)  # not yet under review
    # A secretary, a town admin (manager, not reviewer) cannot review or sign off.
    for actor in (town.sam, town.alice):
        with pytest.raises(PermissionDenied):
            services.item_start_review(actor=actor, item=item)
    item = services.item_start_review(actor=town.irene, item=item)
    for actor in (town.sam, town.alice):
        with pytest.raises(PermissionDenied):
            services.item_sign_off(actor=actor, item=item)
    item.refresh_from_db()
    assert item.status == Status.UNDER_REVIEW and item.closed_at is None
    # The table has exactly one way into `closed`.
    into_closed = [k for k, rule in workflow.TRANSITIONS.items() if rule.to == Status.CLOSED]
    assert into_closed == [(Status.UNDER_REVIEW, "sign_off")]
    assert workflow.TRANSITIONS[into_closed[0]].who == frozenset({"reviewer"})


def test_the_unit_acts_only_on_its_own_items(town: Town, today: dt.date) -> None:
    item = services.item_hand_over(actor=town.olga, item=register(town, organization=town.branch_b))
    with pytest.raises(Http404):
        services.item_start(actor=town.sam, item=item)  # sam's village is A
    with pytest.raises(Http404):
        services.item_start(actor=town.oscar, item=item)
    # The responsible person acts even without a secretary's role; an outsider cannot be named.
    with pytest.raises(ValidationError) as err:
        register(town, organization=town.branch_b, person=town.oscar)
    assert "person" in err.value.message_dict
    pete = staff(town, "pete", place=town.village_b)
    item = services.item_hand_over(
        actor=town.olga, item=register(town, organization=town.branch_b, person=pete)
    )
    assert services.item_start(actor=pete, item=item).status == Status.IN_PROGRESS


def test_patrol_findings_need_a_note_but_never_a_file(town: Town, today: dt.date) -> None:
    item = register(town, source=Source.PATROL)
    item = services.item_start(
        actor=town.sam, item=services.item_hand_over(actor=town.olga, item=item)
    )
    with pytest.raises(ValidationError) as err:
        services.item_request_signoff(actor=town.sam, item=item, note="")
    assert "note" in err.value.message_dict
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    item = services.item_request_signoff(actor=town.sam, item=item, note="已整改到位")
    assert item.status == Status.CLOSURE_REQUESTED
    # A self-check item may ask for sign-off with neither note nor file.
    other = register(town, source=Source.SELF_CHECK)
    other = services.item_start(
        actor=town.sam, item=services.item_hand_over(actor=town.olga, item=other)
    )
    assert (
        services.item_request_signoff(actor=town.sam, item=other).status == Status.CLOSURE_REQUESTED
    )


def test_one_evidence_file_at_most_and_only_documents(town: Town, today: dt.date) -> None:
    item = register(town)
    item = services.item_start(
        actor=town.sam, item=services.item_hand_over(actor=town.olga, item=item)
    )
    two = [SimpleUploadedFile("a.pdf", b"%PDF-1"), SimpleUploadedFile("b.pdf", b"%PDF-1")]
    for bad in (two, SimpleUploadedFile("x.exe", b"MZ")):
        with pytest.raises(ValidationError) as err:
            services.item_request_signoff(actor=town.sam, item=item, evidence=bad)
        assert "evidence" in err.value.message_dict
    item = services.item_request_signoff(
        actor=town.sam, item=item, evidence=SimpleUploadedFile("记录.pdf", b"%PDF-1")
    )
    event = ItemEvent.objects.get(item=item, kind="request_signoff")
    assert event.evidence.name.startswith("rectify/evidence/") and event.evidence.name.endswith(
        ".pdf"
    )
    event.evidence.delete(save=False)


def test_sign_off_emits_the_branch_record_and_the_finder_finds_it(
    town: Town, today: dt.date
) -> None:
    seen: list[dict] = []

    def listener(**payload: object) -> None:
        seen.append(payload)

    subscribe(Event.BRANCH_RECORD, listener, phase=Phase.IN_TRANSACTION)
    try:
        item = to_review(town, register(town))
        item = services.item_sign_off(actor=town.olga, item=item)
    finally:
        events._subscribers[Event.BRANCH_RECORD].remove((Phase.IN_TRANSACTION, listener))
    assert seen[-1] == {
        "kind": "rectify.closed",
        "organization_id": town.branch_a.pk,
        "on": today,
        "record_id": item.pk,
    }
    kind = records.get("rectify.closed")
    assert kind is not None and kind.url(item.pk) == f"/rectify/{item.pk}/"
    found = kind.find([town.branch_a.pk, town.branch_b.pk], today, today)
    assert found == {town.branch_a.pk: (item.pk, today)}
    assert (
        kind.find([town.branch_a.pk], today + dt.timedelta(days=1), today + dt.timedelta(days=9))
        == {}
    )


def test_reviewers_hear_of_sign_off_and_extension_requests(town: Town, today: dt.date) -> None:
    item = services.item_start(
        actor=town.sam, item=services.item_hand_over(actor=town.alice, item=register(town))
    )
    services.extension_request(
        actor=town.sam, item=item, new_deadline=item.deadline + dt.timedelta(days=9), reason="原因"
    )
    services.item_request_signoff(actor=town.sam, item=item, note="已整改")
    asked = set(
        Notice.objects.filter(message="rectify.extension_requested").values_list(
            "recipient__username", flat=True
        )
    )
    assert asked == {"olga", "irene"}  # the organisation officer and the inspector
    signoff = set(
        Notice.objects.filter(message="rectify.signoff_requested").values_list(
            "recipient__username", flat=True
        )
    )
    assert signoff == {"olga", "irene"}  # olga also registered it
