"""Where a case is, as far as the public may know: never a home.

A case filed at a household (by its representative on a visit, or for a
resident) carries the position of the home. To anyone who does not reach the
case (anonymous Open311 clients, keyed clients not allowed exact positions)
such a position is shown only as the centre of a grid cell of `COARSE_DEGREES`
(about 1.1 km north–south), and not at all when that centre would fall on the
household's own recorded location or on the exact position itself. Cases not
tied to a household (a road, a street lamp) keep the position their reporter
chose to give.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from typing import Any

COARSE_DEGREES = Decimal("0.01")
SIX_PLACES = Decimal("0.000001")

Position = tuple[Decimal, Decimal]


def tied_to_household(case: Any) -> bool:
    return bool(case.household_id or case.resident_id or case.visit_id)


def coarse(value: Decimal) -> Decimal:
    """The centre of the grid cell holding `value`."""
    cell = (value / COARSE_DEGREES).to_integral_value(rounding=ROUND_FLOOR)
    return (cell * COARSE_DEGREES + COARSE_DEGREES / 2).quantize(SIX_PLACES)


def _same(a: Position, b: Position) -> bool:
    return all(x.quantize(SIX_PLACES) == y.quantize(SIX_PLACES) for x, y in zip(a, b, strict=True))


def public_position(case: Any, *, exact: bool) -> Position | None:
    """The position to publish for `case`, or None to withhold it."""
    if case.latitude is None or case.longitude is None:
        return None
    position = (Decimal(case.latitude), Decimal(case.longitude))
    if exact or not tied_to_household(case):
        return position
    shown = (coarse(position[0]), coarse(position[1]))
    home = case.household if case.household_id else None
    at_home = home is not None and home.latitude is not None and home.longitude is not None
    if _same(shown, position) or (
        at_home and _same(shown, (Decimal(home.latitude), Decimal(home.longitude)))
    ):
        return None
    return shown
