"""Readable figures for the grid, Party and home pages (UI.md "Readable numbers")."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def days_ago(days: int | None) -> str:
    """今天 / 昨天 / 3 天前 from a number of days (empty for None)."""
    if days is None:
        return ""
    if days <= 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    return ngettext("%(n)s day ago", "%(n)s days ago", days) % {"n": days}


@register.filter
def count(value: Any) -> str:
    """A count with thousands separators (6,896), or – when unknown."""
    if value is None or value == "":
        return "–"
    return intcomma(int(value), use_l10n=False)


@register.filter
def pct(value: Any) -> str:
    """A percentage with one decimal (66.7%), or – when unknown. Takes 0–100."""
    if value is None or value == "":
        return "–"
    return f"{float(value):.1f}%"
