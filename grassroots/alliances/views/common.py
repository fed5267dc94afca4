"""What the alliance and project pages share: the access check, choices, error mapping."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest

from grassroots.alliances import rules
from grassroots.alliances.models import Alliance
from grassroots.alliances.services import LEAD_KINDS
from grassroots.core.scoping import scope_for
from grassroots.party.models import Organization


def require_sees(request: HttpRequest) -> None:
    if not rules.sees_alliances(scope_for(request.user)):
        raise Http404


def require_edits(request: HttpRequest, lead: Organization | None = None) -> None:
    """404 (never 403) for anyone who may not change the row: it is not theirs to see as a form."""
    if not rules.edits(scope_for(request.user), lead):
        raise Http404


def leads(user: Any) -> QuerySet:
    """Organisations the user reaches that may lead an alliance or a project."""
    scope = scope_for(user)
    reached = [
        o.pk
        for o in Organization.objects.visible_to(user).filter(kind__in=LEAD_KINDS)
        if o.reached_by(scope)
    ]
    return Organization.objects.visible_to(user).filter(pk__in=reached).order_by("path")


def town_organizations(user: Any, alliance: Alliance) -> QuerySet:
    """Organisations the user sees in the alliance's town, to add as members."""
    return (
        Organization.objects.visible_to(user)
        .filter(town_id=alliance.town_id, kind__in=LEAD_KINDS)
        .exclude(pk=alliance.lead_id)
        .order_by("path")
    )


def add_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
