"""Report rows for the scope walker: a monthly report of the far town, one of the persona town."""

from __future__ import annotations

from typing import Any

from grassroots.reports import services
from grassroots.testing import Town


def far_rows(root: Any, far: dict[str, Any]) -> dict[str, Any]:
    report = services.generate(actor=None, kind="monthly", period="2026-08", place=far["town"])
    return {"report": report}


def town_rows(town: Town) -> None:
    services.generate(actor=None, kind="monthly", period="2026-08", place=town.town)
