from __future__ import annotations

import pytest

from grassroots.analytics.services import rebuild
from grassroots.browser_testing import browser, persona_context  # noqa: F401
from grassroots.testing import Town


@pytest.fixture
def figured(town: Town) -> Town:
    """The persona town with its prepared figures rebuilt from the base tables."""
    rebuild()
    return town
