"""Small builders for the cases tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from grassroots.cases import services
from grassroots.cases.models import Case, Category, Channel
from grassroots.testing import Town


def at(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def file_case(
    town: Town,
    *,
    text: str = "村口道路破损严重，有很多坑",
    place: Any = None,
    announce: bool = True,
    **kw: Any,
) -> Case:
    """File a self-service case; with `announce`, also do what the worker does after commit."""
    kw.setdefault("category", Category.objects.get(code="roads-repair"))
    kw.setdefault("channel", Channel.SELF_SERVICE)
    case = services.case_submit(actor=None, text=text, place=place or town.group_a1, **kw)
    if announce:
        services.case_announce(case.pk)
    return case


def fresh(user: Any) -> Any:
    from grassroots.testing import fresh as reload

    return reload(user)
