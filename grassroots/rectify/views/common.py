"""What the ledger and the item page share: chip tones and the row decoration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from grassroots.rectify.models import Colour, Item, Status
from grassroots.rectify.selectors import colour

COLOUR_TONES = {
    Colour.RED: "danger",
    Colour.YELLOW: "warn",
    Colour.GREEN: "ok",
    Colour.NONE: "muted",
}
STATUS_TONES = {
    Status.CLOSED: "ok",
    Status.RETURNED: "danger",
    Status.CLOSURE_REQUESTED: "info",
    Status.UNDER_REVIEW: "info",
}


def decorate(items: Iterable[Item], today: dt.date) -> list[Any]:
    """Each item with its live colour, the colour's label and both chip tones."""
    rows = []
    for item in items:
        value = colour(item, today)
        item.colour = value  # type: ignore[attr-defined]
        item.colour_label = Colour(value).label  # type: ignore[attr-defined]
        item.colour_tone = COLOUR_TONES[Colour(value)]  # type: ignore[attr-defined]
        item.status_tone = STATUS_TONES.get(Status(item.status), "muted")  # type: ignore[attr-defined]
        rows.append(item)
    return rows
