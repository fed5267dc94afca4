"""Every change to the grid: places, households, residents, representatives, visits, tags.

One module per subject; the names below are the grid's write API
(`from grassroots.grid import services as grid; grid.household_create(...)`).
"""

from __future__ import annotations

from grassroots.grid.services.bulk import (
    HouseholdRow,
    ImportSummary,
    ResidentRow,
    households_bulk_create,
)
from grassroots.grid.services.households import (
    household_create,
    household_update,
    resident_create,
)
from grassroots.grid.services.places import CHILD_KINDS, place_create, town_of
from grassroots.grid.services.representatives import link_representative, representative_create
from grassroots.grid.services.tags import ensure_tags, tag_add
from grassroots.grid.services.visits import visit_log

__all__ = [
    "CHILD_KINDS",
    "HouseholdRow",
    "ImportSummary",
    "ResidentRow",
    "ensure_tags",
    "household_create",
    "household_update",
    "households_bulk_create",
    "link_representative",
    "place_create",
    "representative_create",
    "resident_create",
    "tag_add",
    "town_of",
    "visit_log",
]
