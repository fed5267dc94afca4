"""Every change to duty plans, items and assignments (see each module's docstring).

- `plans`: plan_create, plan_publish, plan_close, item_add, item_change, item_retire;
- `generation`: generate (the worker's idempotent per-period generation), generate_range;
- `exports`: board_exported (the audit row of an export);
- `assignments`: step_toggle, assignment_complete, assignment_review, assignment_reopen,
  complete_from_record (the `Event.BRANCH_RECORD` subscriber), sweep_overdue.
"""

from __future__ import annotations

from grassroots.duties.services.assignments import (
    TRANSITIONS,
    allowed_moves,
    assignment_complete,
    assignment_reopen,
    assignment_review,
    complete_from_record,
    step_toggle,
    sweep_overdue,
)
from grassroots.duties.services.exports import board_exported
from grassroots.duties.services.generation import figures_rebuild, generate, generate_range
from grassroots.duties.services.plans import (
    item_add,
    item_change,
    item_retire,
    plan_close,
    plan_create,
    plan_publish,
)

__all__ = [
    "TRANSITIONS",
    "allowed_moves",
    "assignment_complete",
    "assignment_reopen",
    "assignment_review",
    "board_exported",
    "complete_from_record",
    "figures_rebuild",
    "generate",
    "generate_range",
    "item_add",
    "item_change",
    "item_retire",
    "plan_close",
    "plan_create",
    "plan_publish",
    "step_toggle",
    "sweep_overdue",
]
