"""The cadence API: published monthly arrangements and quarterly scores (read only)."""

from __future__ import annotations

from typing import Any

from grassroots.cadence import filters
from grassroots.cadence import serializers as s
from grassroots.cadence.models import Arrangement, QuarterScore
from grassroots.core.api import KEPT, ServiceViewSet


class ArrangementViewSet(ServiceViewSet):
    __doc__ = (
        "Monthly arrangements (月安排), published by the worker on the first working day "
        f"of each month; the items are the branch's duty assignments due that month. {KEPT}"
    )

    queryset = Arrangement.objects.select_related("organization").order_by("-month_start", "pk")
    serializer_class = s.ArrangementSerializer
    filterset_class = filters.ArrangementFilter


class QuarterScoreViewSet(ServiceViewSet):
    __doc__ = (
        "Quarterly review scores (季推进): completion, timeliness and inspection shares "
        f"(0–1), the score (0–100), the rank within the town and the band A–D. {KEPT}"
    )

    queryset = QuarterScore.objects.order_by("-period", "town_id", "rank")
    serializer_class = s.QuarterScoreSerializer
    filterset_class = filters.QuarterScoreFilter


def register(router: Any) -> None:
    """Add this app's viewsets to the project router."""
    router.register("cadence-arrangements", ArrangementViewSet, basename="cadence-arrangement")
    router.register("cadence-scores", QuarterScoreViewSet, basename="cadence-score")
