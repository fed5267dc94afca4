"""The ledger as a spreadsheet (对账销号台账): one row per item, audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grassroots.core import audit, clock
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.xlsx import table_workbook
from grassroots.rectify.models import Colour, Item
from grassroots.rectify.selectors import colour


def ledger_headers() -> list[str]:
    return [
        _("Number"),
        _("Responsible unit"),
        pgettext("rectify", "Source"),
        _("Source reference"),
        _("Problem"),
        _("Measures"),
        _("Type"),
        _("Responsible leader"),
        _("Responsible person"),
        pgettext("rectify", "Deadline"),
        _("Warning"),
        _("Status"),
        _("Signed off on"),
    ]


def ledger_row(item: Item, today: object) -> list[object]:
    return [
        item.code,
        item.organization.name,
        item.get_source_display(),
        item.source_ref,
        item.problem,
        item.measures,
        item.get_kind_display(),
        item.leader_label,
        item.person_label,
        item.deadline,
        str(Colour(colour(item, today)).label),  # type: ignore[arg-type]
        item.get_status_display(),
        timezone.localdate(item.closed_at) if item.closed_at else "",
    ]


@transaction.atomic
def ledger_export(*, actor: Actor, items: Iterable[Item]) -> bytes:
    """The rows the caller already reached (a scoped, filtered queryset) as .xlsx."""
    today = clock.today()
    rows = [ledger_row(item, today) for item in items]
    content = table_workbook([(_("Rectification ledger"), ledger_headers(), rows)])
    audit.record(actor=actor, action=Action.RECTIFY_LEDGER_EXPORTED, data={"count": len(rows)})
    return content
