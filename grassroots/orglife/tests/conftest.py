from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from grassroots.browser_testing import browser, persona_context  # noqa: F401
from grassroots.core import clock
from grassroots.core.events import Event, Phase, subscribe

# BRANCH_RECORD payloads seen by a real subscriber (subscribed once; tests clear it).
SEEN: list[dict[str, Any]] = []


def _record(**payload: Any) -> None:
    SEEN.append(payload)


subscribe(Event.BRANCH_RECORD, _record, phase=Phase.IN_TRANSACTION)


@pytest.fixture
def seen() -> list[dict[str, Any]]:
    SEEN.clear()
    return SEEN


@pytest.fixture
def today() -> dt.date:
    """Tuesday 10 March 2026, 10:00 in the town."""
    clock.set_now(timezone.make_aware(dt.datetime(2026, 3, 10, 10, 0)))
    return dt.date(2026, 3, 10)


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
