"""Every change to inspections and model-branch campaigns (see models.py for the design).

Keyword-only functions, `actor` first, atomic, one audit row each: indicator sets
(`indicators`), plans, inspections and findings (`inspections`), findings to
rectification (`rectification`), campaigns and star ratings (`campaigns`).
"""

from __future__ import annotations

from grassroots.inspections.services.campaigns import (
    TRANSITIONS,
    application_decide,
    application_object,
    application_publish,
    application_review,
    application_submit,
    campaign_create,
    star_rating_record,
)
from grassroots.inspections.services.indicators import (
    indicator_set_activate,
    indicator_set_create,
    indicator_set_revise,
    indicator_set_update,
)
from grassroots.inspections.services.inspections import (
    RECORD_KIND,
    draw,
    fellow_inspectors,
    inspection_acknowledge,
    inspection_score,
    inspection_start,
    inspection_submit,
    plan_create,
    plan_draw_sample,
    sample_frame,
    secretaries_of,
)
from grassroots.inspections.services.rectification import findings_to_rectification

__all__ = [
    "RECORD_KIND",
    "TRANSITIONS",
    "application_decide",
    "application_object",
    "application_publish",
    "application_review",
    "application_submit",
    "campaign_create",
    "draw",
    "fellow_inspectors",
    "findings_to_rectification",
    "indicator_set_activate",
    "indicator_set_create",
    "indicator_set_revise",
    "indicator_set_update",
    "inspection_acknowledge",
    "inspection_score",
    "inspection_start",
    "inspection_submit",
    "plan_create",
    "plan_draw_sample",
    "sample_frame",
    "secretaries_of",
    "star_rating_record",
]
