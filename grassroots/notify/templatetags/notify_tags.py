"""The unread badge in the navigation bar (one COUNT per page)."""

from __future__ import annotations

from typing import Any

from django import template

from grassroots.notify import services

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notices(context: dict[str, Any]) -> int:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return services.unread_count(user)
