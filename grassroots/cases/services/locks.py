"""Locking a case for a transition, and handing the caller the new state."""

from __future__ import annotations

from grassroots.cases.models import Case


def lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("town", "owner_place", "handler_place", "household")
        .get(pk=case.pk)
    )


def refresh(case: Case, locked: Case) -> Case:
    # Hand the caller's object the new state too.
    case.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked
