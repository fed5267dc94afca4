"""Reading prepared figures: one indexed query per call, scoped to the caller."""

from __future__ import annotations

from typing import Any

from grassroots.analytics.models import OrgFigures, PlaceFigures


def place_figures(user: Any, path: str) -> PlaceFigures | None:
    """A place's figures, or None when the place is outside the user's reach."""
    return PlaceFigures.objects.visible_to(user).filter(path=path).first()


def prepared_households(user: Any, path: str) -> int | None:
    """The prepared household count of a place (grid's household list reads it)."""
    figures = place_figures(user, path)
    return None if figures is None else figures.households


def child_figures(user: Any, path: str, depth: int) -> list[PlaceFigures]:
    """Figures of a place's children (one range scan on the path index)."""
    return list(
        PlaceFigures.objects.visible_to(user)
        .filter(depth=depth + 1, path__startswith=path)
        .order_by("path")
    )


def org_figures(user: Any, path: str) -> OrgFigures | None:
    return OrgFigures.objects.visible_to(user).filter(path=path).first()
