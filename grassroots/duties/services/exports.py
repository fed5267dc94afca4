"""Exports are audited: who took which figures out of the system."""

from __future__ import annotations

from django.db import transaction

from grassroots.core import audit
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.party.models import Organization


@transaction.atomic
def board_exported(*, actor: Actor, cadence: str, period: str, rows: int) -> None:
    audit.record(
        actor=actor,
        action=Action.DUTIES_BOARD_EXPORTED,
        object_type="duties.branchfigure",
        data={"cadence": cadence, "period": period, "rows": rows},
    )


@transaction.atomic
def assignments_exported(*, actor: Actor, organization: Organization, rows: int) -> None:
    audit.record(
        actor=actor,
        action=Action.DUTIES_ASSIGNMENTS_EXPORTED,
        obj=organization,
        data={"rows": rows},
    )
