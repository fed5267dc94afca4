"""Template filters of the case pages: readable rates, chip tones."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from grassroots.core import clock

register = template.Library()

STATUS_TONES = {
    "submitted": "info",
    "accepted": "info",
    "assigned": "info",
    "in_progress": "warn",
    "suspended": "muted",
    "replied": "ok",
    "closed": "muted",
    "rejected": "muted",
}
PRIORITY_TONES = {"emergency": "urgent", "urgent": "warn", "normal": "muted", "complex": "info"}


@register.filter
def status_tone(status: str) -> str:
    """The chip tone of a case status (kit: ok, warn, danger, info, muted, urgent)."""
    return STATUS_TONES.get(str(status), "muted")


@register.filter
def priority_tone(priority: str) -> str:
    return PRIORITY_TONES.get(str(priority), "muted")


@register.filter
def get_label(labels: dict, key: str) -> str:
    """`labels|get_label:event.kind`: a timeline event's label, the kind itself if unknown."""
    return labels.get(key, key)


@register.filter
def stars(rating: int | None) -> str:
    """A 1–5 rating as five stars, "★★★★☆"."""
    if not rating:
        return ""
    n = max(0, min(5, int(rating)))
    return "★" * n + "☆" * (5 - n)


@register.filter
def when(value: dt.datetime | None) -> str:
    """A compact local date and time: "10-13 16:21" this year, "2025-10-13" before."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    if local.year == timezone.localtime(clock.now()).year:
        return local.strftime("%m-%d %H:%M")
    return local.strftime("%Y-%m-%d")
