"""Template filters of the case pages: readable rates, chip tones."""

from __future__ import annotations

from django import template

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
def pct(value: float | None) -> str:
    """A rate (0..1) as a percentage with one decimal, "66.7%"; "—" when there is none."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def status_tone(status: str) -> str:
    """The chip tone of a case status (kit: ok, warn, danger, info, muted, urgent)."""
    return STATUS_TONES.get(str(status), "muted")


@register.filter
def priority_tone(priority: str) -> str:
    return PRIORITY_TONES.get(str(priority), "muted")
