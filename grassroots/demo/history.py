"""The demo's history: representatives' visits over the last 90 days.

Visits are written set-based (`core.rows.BulkRows`) and each household's
`last_visit_at` set from them in one UPDATE.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import OuterRef, Subquery

from grassroots.core.rows import BulkRows
from grassroots.demo.spec import VISIT_NOTES
from grassroots.grid.models import Household, Place, Visit

VISIT_COLUMNS = [
    "representative_id",
    "household_id",
    "town_id",
    "place_path",
    "visited_at",
    "mode",
    "notes",
    "server_time",
    "is_demo",
]
# Index of rep.0001's household → days since last visit (None = never visited).
PATTERN: list[int | None] = [2, 5, 9, 14, 21, 27, 35, 48, 75, None, None]
MODES = (Visit.Mode.DOOR, Visit.Mode.PHONE, Visit.Mode.WECHAT)


def _last_days(rng: random.Random, coverage: float, special: int | None) -> int | None:
    """Days since the household's last visit (None: never visited)."""
    if special is not None:
        return PATTERN[special] if special < len(PATTERN) else 40
    if rng.random() < coverage:
        return rng.randrange(30)
    if rng.random() < 0.6:
        return rng.randint(31, 89)
    return None


def load_visits(
    *,
    rng: random.Random,
    town: Place,
    villages: list[Place],
    special_codes: list[str],
    now: dt.datetime,
) -> int:
    """Visits over the last 90 days; coverage differs by village.

    rep.0001's households get a fixed mix so their page shows green, amber and red.
    """
    coverage = {v.path: rng.uniform(0.45, 0.95) for v in villages}
    coverage[villages[0].path] = 0.8
    special = {code: i for i, code in enumerate(special_codes)}
    rows = []
    for h in Household.objects.filter(town=town).only(
        "pk", "code", "place_path", "representative_id", "town_id"
    ):
        last_days = _last_days(rng, coverage[h.place_path[: -Place.steplen]], special.get(h.code))
        if last_days is None:
            continue
        days = [last_days] + [
            rng.randint(last_days + 1, 90) for _ in range(rng.randint(0, 2)) if last_days < 89
        ]
        for d in days:
            at = min(now - dt.timedelta(days=d, minutes=rng.randrange(8 * 60)), now)
            mode = str(rng.choices(MODES, weights=(60, 25, 15))[0])
            notes = rng.choice(VISIT_NOTES)
            rows.append(
                (h.representative_id, h.pk, h.town_id, h.place_path, at, mode, notes, at, True)
            )
    written = BulkRows(Visit, VISIT_COLUMNS).write(rows)
    # One UPDATE from the visits table instead of a CASE per household.
    latest_visit = (
        Visit.objects.filter(household=OuterRef("pk"))
        .order_by("-visited_at")
        .values("visited_at")[:1]
    )
    Household.objects.filter(town=town).update(last_visit_at=Subquery(latest_visit))
    return written
