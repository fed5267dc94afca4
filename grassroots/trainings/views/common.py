"""What the programmes part's pages share: access checks, form errors, exports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse

from grassroots.core import audit, xlsx
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.scoping import scope_for
from grassroots.trainings import rules


def require_sees(request: HttpRequest) -> None:
    if not rules.sees_trainings(scope_for(request.user)):
        raise Http404


def require_manages(request: HttpRequest) -> None:
    if not rules.manages(scope_for(request.user)):
        raise Http404


def add_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def export(
    request: HttpRequest,
    title: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    filename: str,
) -> HttpResponse:
    """A spreadsheet of a list, audited (the caller built the rows from scoped reads)."""
    if not scope_for(request.user).can(Cap.EXPORT):
        raise PermissionDenied
    rows = list(rows)
    content = xlsx.table_workbook([(title, headers, rows)])
    audit.record(
        actor=request.user,
        action=Action.TRAININGS_EXPORTED,
        object_type="trainings." + filename.split(".")[0],
        data={"rows": len(rows), "query": request.GET.urlencode()[:500]},
    )
    return xlsx.attachment(content, filename)
