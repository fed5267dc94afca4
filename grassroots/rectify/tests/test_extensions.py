"""Extensions: the unit asks, a reviewer decides, only an approval moves the deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.rectify import services
from grassroots.rectify.models import Extension
from grassroots.rectify.tests.conftest import register, to_review
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def started(town: Town):  # type: ignore[no-untyped-def]
    item = services.item_hand_over(actor=town.olga, item=register(town))
    return services.item_start(actor=town.sam, item=item)


def test_request_rules(town: Town, today: dt.date) -> None:
    item = started(town)
    later = item.deadline + dt.timedelta(days=20)
    with pytest.raises(PermissionDenied):
        services.extension_request(actor=town.olga, item=item, new_deadline=later, reason="原因")
    for kw, field in (
        ({"new_deadline": item.deadline, "reason": "原因"}, "new_deadline"),
        ({"new_deadline": "2027-01-01", "reason": "原因"}, "new_deadline"),
        ({"new_deadline": later, "reason": " "}, "reason"),
    ):
        with pytest.raises(ValidationError) as err:
            services.extension_request(actor=town.sam, item=item, **kw)
        assert field in err.value.message_dict
    services.extension_request(actor=town.sam, item=item, new_deadline=later, reason="天气原因")
    with pytest.raises(ValidationError):
        services.extension_request(actor=town.sam, item=item, new_deadline=later, reason="再次")
    assert Extension.objects.count() == 1
    assert AuditEvent.objects.filter(action=Action.RECTIFY_EXTENSION_REQUESTED).count() == 1


def test_only_a_reviewer_decides_once(town: Town, today: dt.date) -> None:
    item = started(town)
    old = item.deadline
    extension = services.extension_request(
        actor=town.sam, item=item, new_deadline=old + dt.timedelta(days=10), reason="天气原因"
    )
    for actor in (town.sam, town.alice):
        with pytest.raises(PermissionDenied):
            services.extension_decide(actor=actor, extension=extension, approve=True)
    item.refresh_from_db()
    assert item.deadline == old
    services.extension_decide(actor=town.irene, extension=extension, approve=True)
    with pytest.raises(ValidationError):
        services.extension_decide(actor=town.irene, extension=extension, approve=False)
    item.refresh_from_db()
    assert item.deadline == old + dt.timedelta(days=10)
    assert list(item.events.values_list("kind", flat=True))[-2:] == [
        "request_extension",
        "approve_extension",
    ]


def test_no_extension_once_under_review(town: Town, today: dt.date) -> None:
    item = to_review(town, register(town))
    with pytest.raises(ValidationError) as err:
        services.extension_request(
            actor=town.sam,
            item=item,
            new_deadline=item.deadline + dt.timedelta(days=5),
            reason="x原因",
        )
    assert "status" in err.value.message_dict
