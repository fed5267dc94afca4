"""unit_counts for the instructor summary, and the admin's read-only stance."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from grassroots.core import clock
from grassroots.rectify import selectors, services
from grassroots.rectify.models import Item, Status
from grassroots.rectify.tests.conftest import START, at, register, to_review
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def test_unit_counts(town: Town, today: dt.date) -> None:
    register(town, deadline=START + dt.timedelta(days=3))
    register(town)
    services.item_sign_off(actor=town.irene, item=to_review(town, register(town)))
    clock.set_now(at(dt.date(2026, 11, 30)))
    counts = selectors.unit_counts([town.branch_a.pk, town.branch_b.pk])
    assert counts[town.branch_a.pk] == {
        "open": 2,
        "overdue": 1,
        "closed": 1,
        "closed_this_month": 1,
    }
    assert counts[town.branch_b.pk] == {
        "open": 0,
        "overdue": 0,
        "closed": 0,
        "closed_this_month": 0,
    }
    clock.set_now(at(dt.date(2026, 12, 1)))
    assert selectors.unit_counts([town.branch_a.pk])[town.branch_a.pk]["closed_this_month"] == 0


def test_the_admin_never_writes_an_item(town: Town, today: dt.date) -> None:
    item = to_review(town, register(town))
    client = Client()
    client.force_login(town.root)
    url = f"/admin/rectify/item/{item.pk}/change/"
    assert client.get(url).status_code == 200  # the superuser reads it
    response: Any = client.post(url, {"status": Status.CLOSED})
    assert response.status_code == 403
    assert Item.objects.get(pk=item.pk).status == Status.UNDER_REVIEW
