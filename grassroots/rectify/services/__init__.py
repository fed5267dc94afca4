"""Every change to rectification items: registration, the workflow, extensions, warnings.

One way to change state: these functions (keyword-only, `actor` first, atomic, one audit
row each, notices through notify). Transitions are checked by `rectify.workflow`: a
wrong one raises a ValidationError naming the allowed actions, a party that may not act
gets PermissionDenied, an item out of reach 404. Nothing closes an item but
`item_sign_off`, a reviewer's approval of an item under review; closing emits
`Event.BRANCH_RECORD` (kind `rectify.closed`) so that duty items complete themselves.
Deadline warnings are sent by the worker (`rectify.sweeps`), not from here.
"""

from __future__ import annotations

from grassroots.rectify.services.exports import ledger_export
from grassroots.rectify.services.extensions import extension_decide, extension_request
from grassroots.rectify.services.items import (
    RECORD_KIND,
    TRANSITION_SERVICES,
    item_hand_over,
    item_register,
    item_request_signoff,
    item_return,
    item_rework,
    item_sign_off,
    item_start,
    item_start_review,
    next_code,
)

__all__ = [
    "RECORD_KIND",
    "TRANSITION_SERVICES",
    "extension_decide",
    "extension_request",
    "item_hand_over",
    "item_register",
    "item_request_signoff",
    "item_return",
    "item_rework",
    "item_sign_off",
    "item_start",
    "item_start_review",
    "ledger_export",
    "next_code",
]
