"""The Party-building figures of the home page (issue #11), each read from prepared rows.

Duties come from the board's `BranchFigure` rows of this month (and every period's
overdue count), rectification from the ledger's live colours: a handful of aggregate
queries whatever the number of assignments or items.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Sum

from grassroots.core import clock
from grassroots.core.roles import Cap
from grassroots.core.scoping import scope_for
from grassroots.duties import rules as duty_rules
from grassroots.duties.models import Assignment, BranchFigure, Cadence
from grassroots.duties.periods import period_for
from grassroots.rectify import selectors as rectify_selectors
from grassroots.rectify.models import Colour, Status


def duty_figures(user: Any) -> dict[str, Any]:
    """A secretary's open duties this week; for the board's readers, this month's
    completion and the overdue count over the branches they reach."""
    scope = scope_for(user)
    today = clock.today()
    found: dict[str, Any] = {}
    if duty_rules.sees_week(scope):
        week = period_for(Cadence.WEEKLY, today)
        found["week_open"] = (
            Assignment.objects.visible_to(user)
            .filter(due_on__gte=week.start, due_on__lte=week.end)
            .exclude(status=Assignment.Status.DONE)
            .count()
        )
    if duty_rules.sees_board(scope):
        figures = BranchFigure.objects.visible_to(user)
        month = period_for(Cadence.MONTHLY, today)
        this_month = figures.filter(cadence=Cadence.MONTHLY, period=month.key).aggregate(
            total=Sum("total"), done=Sum("done")
        )
        total, done = this_month["total"] or 0, this_month["done"] or 0
        found["month_done_pct"] = round(done * 100 / total, 1) if total else None
        found["overdue"] = figures.aggregate(n=Sum("overdue"))["n"] or 0
    return found


def rectification_figures(user: Any) -> dict[str, int] | None:
    """Open items and their colours over the units the user reaches (None: no ledger)."""
    scope = scope_for(user)
    caps = (Cap.MANAGE_RECTIFICATION, Cap.REVIEW_RECTIFICATION, Cap.DO_DUTIES)
    if not any(scope.can(cap) for cap in caps):
        return None
    items = rectify_selectors.ledger(user).exclude(status=Status.CLOSED)
    counts = rectify_selectors.colour_counts(items)
    return {"open": items.count(), "red": counts.get(Colour.RED, 0)}
