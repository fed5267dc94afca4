"""What the duties pages share: the way back after a POST, errors as messages, card facts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.dates import WEEKDAYS
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from grassroots.core import clock, records
from grassroots.duties.models import Assignment, DueRule, Evidence
from grassroots.duties.services import TRANSITIONS

S = Assignment.Status
TONES = {S.NOT_STARTED: "muted", S.SUBMITTED: "info", S.DONE: "ok", S.RETURNED: "warn"}


def back(request: HttpRequest, default: str = "duties:week") -> HttpResponse:
    """To the page the form came from (`next`), if it is ours; else to `default` (a URL
    or a route name)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default if default.startswith("/") else reverse(default))


def error_message(request: HttpRequest, exc: ValidationError) -> None:
    texts = (
        [m for msgs in exc.message_dict.values() for m in msgs]
        if hasattr(exc, "error_dict")
        else exc.messages
    )
    messages.error(request, " ".join(texts))


def due_text(version: Any) -> str:
    """The due rule in words: "due on Friday", "due on day 20", "5 working days after…"."""
    rule, n = version.due_rule, version.due_n
    if rule == DueRule.WEEKDAY and n:
        return _("due on %(weekday)s") % {"weekday": WEEKDAYS[n - 1]}
    if rule == DueRule.DAY_OF_MONTH and n:
        return _("due on day %(n)s of the month") % {"n": n}
    if rule == DueRule.WORKING_DAYS_AFTER_START and n:
        return _("due %(n)s working days after the period starts") % {"n": n}
    return str(DueRule(rule).label)


def decorate(a: Assignment, *, does: bool = True, reopens: bool = True) -> Assignment:
    """Facts the card shows, on the assignment itself (its version is loaded).

    `does`: the viewer keeps the checklist (ticks, steps); `reopens`: may undo a tick.
    A button shows only for who may press it.
    """
    version: Any = a.version
    today = clock.today()
    kind = records.get(version.completes_on) if version.completes_on else None
    a.kind_label = kind.label if kind else ""  # type: ignore[attr-defined]
    recorded = records.get(a.record_kind) if a.record_kind else None
    a.record_url = recorded.url(a.record_id) if recorded and a.record_id else ""  # type: ignore[attr-defined]
    a.late = a.status != S.DONE and a.due_on < today  # type: ignore[attr-defined]
    a.tone = TONES.get(a.status, "muted")  # type: ignore[attr-defined]
    open_ = a.status in TRANSITIONS["complete"]
    a.can_tick = does and open_ and not version.completes_on  # type: ignore[attr-defined]
    a.needs_file = version.evidence == Evidence.REQUIRED and not a.evidence  # type: ignore[attr-defined]
    a.takes_file = version.evidence != Evidence.NONE  # type: ignore[attr-defined]
    a.can_undo = reopens and a.status in TRANSITIONS["reopen"] and not a.record_kind  # type: ignore[attr-defined]
    a.can_step = does and a.status in TRANSITIONS["toggle_step"]  # type: ignore[attr-defined]
    return a
