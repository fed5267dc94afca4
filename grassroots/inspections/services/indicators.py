"""Indicator sets: drafts, activation at exactly 100, revisions as new versions.

An active or retired set is never edited: `indicator_set_revise` copies it into a new
draft version that points back to it, and activating that version retires it. An
inspection or a campaign keeps the version it was made with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit, clock
from grassroots.core.actors import Actor, acting_user
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.services import require, require_visible
from grassroots.inspections.models import Indicator, IndicatorSet
from grassroots.inspections.services.common import require_committee
from grassroots.party.models import Organization

MAX_INDICATORS = 30


def _clean_indicators(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not rows:
        raise ValidationError({"indicators": _("Add at least one indicator.")})
    if len(rows) > MAX_INDICATORS:
        raise ValidationError(
            {"indicators": _("At most %(n)s indicators.") % {"n": MAX_INDICATORS}}
        )
    cleaned = []
    for number, row in enumerate(rows, start=1):
        title = str(row.get("title") or "").strip()
        if not title:
            raise ValidationError(
                {"indicators": _("Indicator %(n)s has no title.") % {"n": number}}
            )
        try:
            weight = int(row.get("weight"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            weight = 0
        if weight <= 0 or weight > 100:
            raise ValidationError(
                {
                    "indicators": _("%(title)s: the weight must be a whole number from 1 to 100.")
                    % {"title": title}
                }
            )
        cleaned.append(
            {"title": title[:120], "guidance": str(row.get("guidance") or ""), "weight": weight}
        )
    return cleaned


def _write_indicators(indicator_set: IndicatorSet, rows: list[dict[str, Any]]) -> None:
    indicator_set.indicators.all().delete()
    Indicator.objects.bulk_create(
        Indicator(indicator_set=indicator_set, position=i, **row)
        for i, row in enumerate(rows, start=1)
    )


@transaction.atomic
def indicator_set_create(
    *,
    actor: Actor,
    committee: Organization,
    name: str,
    purpose: str,
    indicators: Sequence[Mapping[str, Any]],
    is_demo: bool = False,
) -> IndicatorSet:
    """A draft set (version 1) of weighted indicators owned by the town committee."""
    require(actor, Cap.INSPECT)
    require_committee(actor, committee)
    if purpose not in IndicatorSet.Purpose.values:
        raise ValidationError({"purpose": _("Unknown purpose.")})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the set a name.")})
    rows = _clean_indicators(indicators)
    indicator_set = IndicatorSet.objects.create(
        town=committee.town,
        owner=committee,
        org_path=committee.path,
        name=name[:120],
        purpose=purpose,
        created_at=clock.now(),
        created_by=acting_user(actor),
        is_demo=is_demo,
    )
    _write_indicators(indicator_set, rows)
    audit.record(actor=actor, action=Action.INSPECTIONS_INDICATOR_SET_CREATED, obj=indicator_set)
    return indicator_set


def _require_draft(indicator_set: IndicatorSet) -> None:
    if indicator_set.status != IndicatorSet.Status.DRAFT:
        raise ValidationError(
            {
                "status": _(
                    "This set is %(status)s and can no longer change; revise it to make "
                    "a new draft version."
                )
                % {"status": indicator_set.get_status_display()}
            }
        )


@transaction.atomic
def indicator_set_update(
    *,
    actor: Actor,
    indicator_set: IndicatorSet,
    name: str | None = None,
    indicators: Sequence[Mapping[str, Any]] | None = None,
) -> IndicatorSet:
    """Change a draft's name or indicators; an active or retired set is refused."""
    require(actor, Cap.INSPECT)
    require_visible(actor, indicator_set)
    indicator_set = IndicatorSet.objects.select_for_update().get(pk=indicator_set.pk)
    _require_draft(indicator_set)
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": _("Give the set a name.")})
        indicator_set.name = name.strip()[:120]
        indicator_set.save(update_fields=["name"])
    if indicators is not None:
        _write_indicators(indicator_set, _clean_indicators(indicators))
    audit.record(actor=actor, action=Action.INSPECTIONS_INDICATOR_SET_UPDATED, obj=indicator_set)
    return indicator_set


@transaction.atomic
def indicator_set_activate(*, actor: Actor, indicator_set: IndicatorSet) -> IndicatorSet:
    """Put a draft in force: its weights must sum to exactly 100. Retires the version it revises."""
    require(actor, Cap.INSPECT)
    require_visible(actor, indicator_set)
    indicator_set = IndicatorSet.objects.select_for_update().get(pk=indicator_set.pk)
    _require_draft(indicator_set)
    total = indicator_set.total_weight
    if total != 100:
        raise ValidationError(
            {
                "indicators": _("The weights add up to %(total)s; they must add up to exactly 100.")
                % {"total": total}
            }
        )
    if indicator_set.previous_id:
        IndicatorSet.objects.filter(
            pk=indicator_set.previous_id, status=IndicatorSet.Status.ACTIVE
        ).update(status=IndicatorSet.Status.RETIRED)
    indicator_set.status = IndicatorSet.Status.ACTIVE
    indicator_set.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action=Action.INSPECTIONS_INDICATOR_SET_ACTIVATED,
        obj=indicator_set,
        data={"version": indicator_set.version},
    )
    return indicator_set


@transaction.atomic
def indicator_set_revise(*, actor: Actor, indicator_set: IndicatorSet) -> IndicatorSet:
    """ "Edit" an active set: a new draft version copying its indicators."""
    require(actor, Cap.INSPECT)
    require_visible(actor, indicator_set)
    indicator_set = IndicatorSet.objects.select_for_update().get(pk=indicator_set.pk)
    if indicator_set.status == IndicatorSet.Status.DRAFT:
        raise ValidationError({"status": _("A draft is edited directly, not revised.")})
    if indicator_set.revisions.filter(status=IndicatorSet.Status.DRAFT).exists():
        raise ValidationError({"status": _("A draft revision of this set already exists.")})
    draft = IndicatorSet.objects.create(
        town=indicator_set.town,
        owner=indicator_set.owner,
        org_path=indicator_set.org_path,
        name=indicator_set.name,
        purpose=indicator_set.purpose,
        version=indicator_set.version + 1,
        previous=indicator_set,
        created_at=clock.now(),
        created_by=acting_user(actor),
        is_demo=indicator_set.is_demo,
    )
    _write_indicators(
        draft,
        [
            {"title": i.title, "guidance": i.guidance, "weight": i.weight}
            for i in indicator_set.indicators.all()
        ],
    )
    audit.record(
        actor=actor,
        action=Action.INSPECTIONS_INDICATOR_SET_REVISED,
        obj=draft,
        data={"previous": indicator_set.pk},
    )
    return draft
