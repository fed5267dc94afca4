from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from grassroots.core import clock


@pytest.fixture
def today() -> dt.date:
    clock.set_now(timezone.make_aware(dt.datetime(2026, 5, 20, 10, 0)))
    return dt.date(2026, 5, 20)
