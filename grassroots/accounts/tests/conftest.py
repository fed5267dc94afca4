"""The browser fixtures for the acceptance test."""

from __future__ import annotations

from grassroots.browser_testing import browser, persona_context  # noqa: F401 - fixtures
