"""One entry point for pages and the API: a transition by its name."""

from __future__ import annotations

from typing import Any

from grassroots.cases import workflow
from grassroots.cases.models import Case
from grassroots.cases.services.closing import case_call_back, case_reopen, case_withdraw
from grassroots.cases.services.handling import (
    case_accept,
    case_approve_suspension,
    case_assign,
    case_deny_suspension,
    case_reject,
    case_reply,
    case_request_suspension,
    case_resume,
    case_return,
    case_take,
    case_transfer,
)
from grassroots.cases.services.supervision import case_supervise, case_whistle
from grassroots.core.actors import Actor

ACTIONS: dict[str, Any] = {
    "accept": case_accept,
    "reject": case_reject,
    "assign": case_assign,
    "transfer": case_transfer,
    "take": case_take,
    "return": case_return,
    "request_suspension": case_request_suspension,
    "approve_suspension": case_approve_suspension,
    "deny_suspension": case_deny_suspension,
    "resume": case_resume,
    "reply": case_reply,
    "close": lambda **kw: case_call_back(**{"solved": True, **kw, "satisfied": True}),
    "rework": lambda **kw: case_call_back(**{"solved": False, **kw, "satisfied": False}),
    "withdraw": case_withdraw,
    "reopen": case_reopen,
    "supervise": case_supervise,
    "whistle": case_whistle,
}


def perform(*, actor: Actor, case: Case, action: str, **params: Any) -> Any:
    """Run a named transition (pages and API). Unknown names list the allowed ones."""
    func = ACTIONS.get(action)
    if func is None:
        workflow.check(case, action, actor)  # raises with the allowed list
    return func(actor=actor, case=case, **params)
