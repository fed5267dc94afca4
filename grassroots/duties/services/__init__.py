"""Every change to duty plans, items and assignments (see each module's docstring).

The design in short: a `Plan` of a committee holds `Item`s whose words live in immutable
`ItemVersion`s (a change writes version n+1; what was generated keeps its version). The
worker's `generate(on=day)` makes, idempotently and set-based, one `Assignment` per item,
target branch and period (week "2026-W48", month "2026-11", quarter "2026-Q4", or the
plan's span "once"), due on the item's rule moved to a working day (`duties.periods`),
addressed to the branch's secretary, already done when a record of the item's kind exists
(`core.records` finders). Later records complete open duties through `Event.BRANCH_RECORD`
(`complete_from_record`, in the record's transaction). Every status change keeps the
branch's prepared `BranchFigure` in the same transaction (`duties.figures`), so the board
reads figures only. No item may require a photo: evidence is none, optional or one file.

- `plans`: plan_create, plan_publish, plan_close, item_add, item_change, item_retire;
- `generation`: generate (the worker's idempotent per-period generation), generate_range,
  figures_rebuild;
- `exports`: board_exported, assignments_exported (the audit rows of exports);
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
from grassroots.duties.services.exports import assignments_exported, board_exported
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
    "assignments_exported",
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
