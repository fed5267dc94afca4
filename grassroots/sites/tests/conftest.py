from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from grassroots.browser_testing import browser, persona_context  # noqa: F401
from grassroots.core import clock
from grassroots.core.events import Event, Phase, subscribe

# BRANCH_RECORD payloads of site stages seen by a real subscriber (tests clear it).
SEEN: list[dict[str, Any]] = []


def _record(**payload: Any) -> None:
    if str(payload.get("kind", "")).startswith("sites."):
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


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Services' messages in English (pages and the API answer in the request's language)."""
    with translation.override("en"):
        yield
