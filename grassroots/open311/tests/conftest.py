from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from grassroots.open311 import services


@pytest.fixture
def api_key(town: Any) -> str:
    cache.clear()  # the per-key rate-limit counters live in the cache
    _key, raw = services.apikey_create(actor=town.root, name="市民热线", town=town.town)
    return raw
