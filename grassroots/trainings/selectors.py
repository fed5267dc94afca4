"""Reads of trainings that list or count, scoped (`Model.objects.visible_to`), and the
`core.records` finders (system reads: the duties generator asks them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from grassroots.core.records import Finder
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.trainings.models import Attendance


def finder(kind: str) -> Finder:
    """The `core.records` finder of one programme kind: per branch, the earliest session
    in the window that one of its members attended (in one query)."""

    def find(
        org_ids: Sequence[int], start: dt.date, end: dt.date
    ) -> dict[int, tuple[int, dt.date]]:
        result: dict[int, tuple[int, dt.date]] = {}
        rows = (
            unscoped(Attendance, why=Unscoped.SYSTEM)
            .filter(
                session__programme__kind=kind,
                branch_id__in=list(org_ids),
                session__on__gte=start,
                session__on__lte=end,
            )
            .order_by("branch_id", "session__on", "session_id")
            .values_list("branch_id", "session_id", "session__on")
        )
        for branch_id, pk, on in rows:
            result.setdefault(branch_id, (pk, on))
        return result

    return find
