"""Acceptance 3: green, yellow and red warnings on the right days to the right people,
each once, again after an approved extension, never for a signed-off item, and a killed
sweep leaves nothing half-done."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from grassroots.core import clock
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.notify.models import Notice
from grassroots.rectify import selectors, services, sweeps
from grassroots.rectify.models import Colour, Item
from grassroots.rectify.tests.conftest import START, at, register, staff, to_review
from grassroots.testing import Town

pytestmark = pytest.mark.django_db

DEADLINE = START + dt.timedelta(days=30)  # Wednesday 2 December 2026


def walk(first: dt.date, last: dt.date) -> dict[dt.date, set[tuple[str, str]]]:
    """Run the sweep three times a day from `first` to `last`; the notices new each day."""
    seen = set(Notice.objects.values_list("pk", flat=True))
    log: dict[dt.date, set[tuple[str, str]]] = defaultdict(set)
    day = first
    while day <= last:
        for hour in (0, 9, 23):
            clock.set_now(at(day, hour))
            sweeps.sweep()
        for notice in Notice.objects.exclude(pk__in=seen).select_related("recipient"):
            log[day].add((notice.recipient.username, notice.message))
            seen.add(notice.pk)
        day += dt.timedelta(days=1)
    return dict(log)


def test_each_colour_on_its_day_to_its_recipients_once(town: Town, today: dt.date) -> None:
    pete, leo = staff(town, "pete"), staff(town, "leo")
    item = register(town, person=pete, leader=leo, deadline=DEADLINE)
    log = walk(START, DEADLINE + dt.timedelta(days=10))
    assert log == {
        dt.date(2026, 11, 12): {("pete", "rectify.warning.green")},
        dt.date(2026, 11, 22): {
            ("pete", "rectify.warning.yellow"),
            ("leo", "rectify.warning.yellow"),
        },
        dt.date(2026, 12, 3): {
            ("pete", "rectify.warning.red"),
            ("leo", "rectify.warning.red"),
            ("sam", "rectify.warning.red"),  # the secretary of village A, the unit's place
        },
    }
    keys = set(Notice.objects.values_list("key", flat=True))
    assert keys == {
        f"rectify:{item.pk}:green",
        f"rectify:{item.pk}:yellow",
        f"rectify:{item.pk}:red",
    }
    item.refresh_from_db()
    assert item.warned == Colour.RED
    assert list(item.events.filter(kind="warn").values_list("data__level", flat=True)) == [
        "green",
        "yellow",
        "red",
    ]
    assert AuditEvent.objects.filter(action=Action.RECTIFY_ITEM_WARNED).count() == 3


def test_without_a_person_the_secretaries_get_green(town: Town, today: dt.date) -> None:
    register(town, deadline=DEADLINE, person_name="王书记")  # a name, no account
    log = walk(dt.date(2026, 11, 11), dt.date(2026, 11, 22))
    assert log == {
        dt.date(2026, 11, 12): {("sam", "rectify.warning.green")},
        dt.date(2026, 11, 22): {("sam", "rectify.warning.yellow")},  # no leader named
    }


def test_a_late_item_gets_only_its_current_colour(town: Town, today: dt.date) -> None:
    pete = staff(town, "pete")
    register(town, person=pete, deadline=START + dt.timedelta(days=5))
    assert walk(START, START) == {START: {("pete", "rectify.warning.yellow")}}


def test_a_signed_off_item_gets_nothing(town: Town, today: dt.date) -> None:
    item = to_review(town, register(town, person=staff(town, "pete"), deadline=DEADLINE))
    services.item_sign_off(actor=town.irene, item=item)
    assert walk(START, DEADLINE + dt.timedelta(days=3)) == {}
    assert selectors.colour(Item.objects.get(pk=item.pk), DEADLINE + dt.timedelta(days=3)) == "none"


def test_an_approved_extension_starts_the_warnings_again(town: Town, today: dt.date) -> None:
    pete, leo = staff(town, "pete"), staff(town, "leo")
    item = register(town, person=pete, leader=leo, deadline=DEADLINE)
    item = services.item_start(
        actor=town.sam, item=services.item_hand_over(actor=town.olga, item=item)
    )
    assert walk(START, dt.date(2026, 11, 23)).keys() == {
        dt.date(2026, 11, 12),
        dt.date(2026, 11, 22),
    }
    new_deadline = dt.date(2027, 1, 15)
    refused = services.extension_request(
        actor=pete, item=item, new_deadline=new_deadline, reason="需等待村民代表大会表决"
    )
    services.extension_decide(actor=town.irene, extension=refused, approve=False, note="理由不充分")
    item.refresh_from_db()
    assert item.deadline == DEADLINE and item.warned == Colour.YELLOW
    extension = services.extension_request(
        actor=town.sam, item=item, new_deadline=new_deadline, reason="需等待村民代表大会表决"
    )
    services.extension_decide(actor=town.olga, extension=extension, approve=True)
    item.refresh_from_db()
    assert item.deadline == new_deadline and item.warned == Colour.NONE
    log = walk(dt.date(2026, 11, 24), dt.date(2027, 1, 16))
    assert log == {
        dt.date(2026, 12, 26): {("pete", "rectify.warning.green")},
        dt.date(2027, 1, 5): {
            ("pete", "rectify.warning.yellow"),
            ("leo", "rectify.warning.yellow"),
        },
        dt.date(2027, 1, 16): {
            ("pete", "rectify.warning.red"),
            ("leo", "rectify.warning.red"),
            ("sam", "rectify.warning.red"),
        },
    }
    assert Notice.objects.filter(key=f"rectify:{item.pk}:green:1").count() == 1
    history = list(item.extensions.values_list("old_deadline", "new_deadline", "approved"))
    assert history == [(DEADLINE, new_deadline, False), (DEADLINE, new_deadline, True)]


def test_a_killed_sweep_leaves_nothing_half_done(
    town: Town, today: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    pete = staff(town, "pete")
    items = [register(town, person=pete, deadline=DEADLINE) for _ in range(3)]
    clock.set_now(at(dt.date(2026, 11, 12)))
    original = sweeps.warn
    calls = {"n": 0}

    def dies_on_the_second(item: Item, level: str) -> None:
        calls["n"] += 1
        original(item, level)
        if calls["n"] == 2:
            raise SystemExit("worker killed")

    monkeypatch.setattr(sweeps, "warn", dies_on_the_second)
    with pytest.raises(SystemExit):
        sweeps.sweep()
    # The first item's warning committed; the second rolled back whole; the third waits.
    warned = dict(Item.objects.values_list("pk", "warned"))
    assert warned == {items[0].pk: "green", items[1].pk: "none", items[2].pk: "none"}
    assert set(Notice.objects.values_list("key", flat=True)) == {f"rectify:{items[0].pk}:green"}
    assert not items[1].events.filter(kind="warn").exists()

    monkeypatch.setattr(sweeps, "warn", original)
    assert sweeps.sweep() == {"warned": 2}
    assert sweeps.sweep() == {"warned": 0}
    for item in items:
        assert Notice.objects.filter(key=f"rectify:{item.pk}:green", recipient=pete).count() == 1


def test_live_colours_follow_the_date(town: Town, today: dt.date) -> None:
    item = register(town, deadline=DEADLINE)
    expected = {
        dt.date(2026, 11, 11): "none",
        dt.date(2026, 11, 12): "green",
        dt.date(2026, 11, 21): "green",
        dt.date(2026, 11, 22): "yellow",
        DEADLINE: "yellow",
        DEADLINE + dt.timedelta(days=1): "red",
    }
    qs = Item.objects.all()
    for day, colour in expected.items():
        assert selectors.colour(item, day) == colour, day
        counts = selectors.colour_counts(qs, day)
        assert counts[colour] == 1 and sum(counts.values()) == 1, day


def test_one_sweep_goes_through_every_batch(
    town: Town, today: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweeps, "BATCH", 2)
    items = [register(town, deadline=START + dt.timedelta(days=3)) for _ in range(5)]
    assert sweeps.sweep() == {"warned": 5}
    assert set(Item.objects.values_list("warned", flat=True)) == {"yellow"}
    assert len(items) == Notice.objects.filter(message="rectify.warning.yellow").count()
