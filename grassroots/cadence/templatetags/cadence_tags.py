"""How a cadence period reads: "2026-Q3" → 2026年第3季度, "2026-11" → 2026年11月."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from grassroots.cadence import schedule

register = template.Library()


@register.filter
def period_label(key: str) -> str:
    key = str(key)
    quarter = schedule.QUARTER_RE.match(key)
    if quarter:
        return _("Q%(quarter)s %(year)s") % {"quarter": quarter[2], "year": quarter[1]}
    month = schedule.MONTH_RE.match(key)
    if month:
        return _("%(month)s/%(year)s") % {"month": int(month[2]), "year": month[1]}
    return key


@register.filter
def band_tone(band: str) -> str:
    return {"A": "ok", "B": "info", "C": "warn"}.get(str(band), "danger")
