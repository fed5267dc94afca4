"""Reveal reasons must say something, and reveal answers are never cached (issue #9)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.core.services import meaningful_reason, reveal
from grassroots.testing import Town

EMPTY_REASONS = [
    "",
    "   ",
    "\u200b\u200b\u200b\u200b\u200b\u200b",  # zero-width spaces
    "\u200b\u200c\u200d\u2060\ufeff\u00ad",  # zero-width and soft hyphen
    "\x01\x02\x03\x04\x05",  # control characters
    "\u202e\u202d\u202c\u200e\u200f",  # bidi format characters
    "aaaaaaaaaa",  # one character repeated
    "好好好好",
    "ab",
    "1234567",  # digits say nothing
    "!!!???...",
    "a\u200bb\u200b",  # two letters hidden among invisible ones
]


@pytest.mark.parametrize("reason", EMPTY_REASONS)
def test_an_invisible_or_meaningless_reason_is_refused(reason: str) -> None:
    assert not meaningful_reason(reason)


@pytest.mark.parametrize(
    "reason", ["核对", "上门核实", "call back", "联系户主 \u200b", "verify id"]
)
def test_a_short_real_reason_is_accepted(reason: str) -> None:
    assert meaningful_reason(reason)


@pytest.mark.django_db
@pytest.mark.parametrize("reason", EMPTY_REASONS)
def test_the_service_reveals_and_audits_nothing_for_an_empty_reason(
    town: Town, reason: str
) -> None:
    with pytest.raises(PermissionDenied):
        reveal(actor=town.sam, obj=town.household_a1, field="phone", reason=reason)
    assert not AuditEvent.objects.filter(action=Action.PERSONAL_REVEALED).exists()


@pytest.mark.django_db
def test_the_stored_reason_has_no_invisible_characters(town: Town) -> None:
    reveal(actor=town.sam, obj=town.household_a1, field="phone", reason="\u200b上门\u200d核实\x07")
    assert AuditEvent.objects.get(action=Action.PERSONAL_REVEALED).reason == "上门核实"


def test_the_api_answers_400_for_an_invisible_reason_and_the_reveal_is_not_cached(
    town: Town, api_for: Any
) -> None:
    sam = api_for("sam")
    url = f"/api/households/{town.household_a1.pk}/reveal/"
    bad = sam.post(url, {"field": "phone", "reason": "\u200b\u200b\u200b\u200b"}, format="json")
    assert bad.status_code == 400
    assert not AuditEvent.objects.filter(action=Action.PERSONAL_REVEALED).exists()
    good = sam.post(url, {"field": "phone", "reason": "联系户主"}, format="json")
    assert good.status_code == 200 and "no-store" in good["Cache-Control"]


def test_the_page_shows_an_error_for_an_invisible_reason_and_is_not_cached(
    town: Town, client_for: Any
) -> None:
    url = reverse("core:reveal", args=["grid.household", town.household_a1.pk, "phone"])
    sam = client_for("sam")
    bad = sam.post(url, {"reason": "other", "details": "\u200b\u200b\u200b\u200b\u200b"})
    assert bad.status_code == 200 and "13812345678" not in bad.content.decode()
    assert "no-store" in bad["Cache-Control"]
    assert not AuditEvent.objects.filter(action=Action.PERSONAL_REVEALED).exists()
    good = sam.post(url, {"reason": "contact"})
    assert "13812345678" in good.content.decode() and "no-store" in good["Cache-Control"]
