"""Every write to a case: keyword-only, actor first, atomic, one event each.

By subdomain: `filing` (the checks, filing now, queuing, announcing, "me too"),
`intake` (the worker registering queued filings), `handling` (accept to reply),
`closing` (call-back, withdraw, reopen, rating), `supervision` (督办, the
whistle), `recipients` (who is told) and `levels` (who owns and escalates).
Each transition locks the case row (`locks`), checks the transition table
(`workflow.check`) against the locked state, changes fields, and writes the
typed event and audit row in the same transaction. Notices are recorded by
`notify` in that transaction too (delivery happens after commit).

Callers write `from grassroots.cases import services` and `services.<name>(...)`.
"""

from __future__ import annotations

from grassroots.cases.services.closing import (
    ALREADY_RATED,
    case_call_back,
    case_rate,
    case_reopen,
    case_withdraw,
)
from grassroots.cases.services.filing import (
    LIVE,
    Entry,
    Filing,
    case_announce,
    case_intake,
    case_me_too,
    case_submit,
    check_filing,
)
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
    check_handler,
    resume_clock,
)
from grassroots.cases.services.intake import INTAKE_BATCH, intake_drain, intake_process
from grassroots.cases.services.levels import escalation_chain, town_and_owner, village_path_of
from grassroots.cases.services.recipients import (
    DISPATCHERS,
    case_url,
    dispatchers_at,
    handler_recipients,
    key_prefix,
    send,
    users_at,
)
from grassroots.cases.services.supervision import (
    case_acknowledge,
    case_supervise,
    case_whistle,
)
from grassroots.cases.services.transitions import ACTIONS, perform

__all__ = [
    "ACTIONS",
    "DISPATCHERS",
    "INTAKE_BATCH",
    "LIVE",
    "Entry",
    "Filing",
    "case_accept",
    "case_acknowledge",
    "ALREADY_RATED",
    "case_announce",
    "case_approve_suspension",
    "case_assign",
    "case_call_back",
    "case_deny_suspension",
    "case_intake",
    "case_me_too",
    "case_rate",
    "case_reject",
    "case_reopen",
    "case_reply",
    "case_request_suspension",
    "case_resume",
    "case_return",
    "case_submit",
    "case_supervise",
    "case_take",
    "case_transfer",
    "case_url",
    "case_whistle",
    "case_withdraw",
    "check_filing",
    "check_handler",
    "dispatchers_at",
    "escalation_chain",
    "handler_recipients",
    "intake_drain",
    "intake_process",
    "key_prefix",
    "perform",
    "resume_clock",
    "send",
    "town_and_owner",
    "users_at",
    "village_path_of",
]
