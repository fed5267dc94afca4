"""Demo reports (issue #13): the demo town's last monthly report and last quarterly review.

Made by the schedule's own path (`services.generate`, no actor), from the prepared figures
the loader has just rebuilt; deterministic for a `now`, and nothing is made twice (a
report is unique per kind, period and node).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from grassroots.grid.models import Place
from grassroots.reports import services
from grassroots.reports.contents import last_complete_period
from grassroots.reports.models import Report


def load_demo_reports(*, actor: Any, town: Place, now: dt.datetime, seed: int) -> dict[str, int]:
    """The town's reports for the last complete month and quarter before `now`."""
    made = 0
    for kind in (Report.Kind.MONTHLY, Report.Kind.QUARTERLY):
        period = last_complete_period(kind, now.date())
        if Report.objects.filter(kind=kind, period=period, place=town).exists():
            continue
        services.generate(actor=None, kind=kind, period=period, place=town)
        made += 1
    return {"reports": made}
