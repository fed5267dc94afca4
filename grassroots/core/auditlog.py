"""The audit administrator's page (issue #14): search, filter, page through and export the log.

Readable by holders of `Cap.READ_AUDIT_LOG` (the audit administrator; a superuser), 404 for
anyone else. One FilterSet serves the page and the export; the rows come through
`AuditEvent.objects.visible_to` with their actor joined (one query a page, plus its count);
the date range and the action use the table's indexes. The export is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from grassroots.core import audit, xlsx
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.core.roles import Cap
from grassroots.core.scoping import Scope, scope_for

PER_PAGE = 50
EXPORT_MAX = 100_000  # rows in one spreadsheet; narrow the dates for more


def reads_audit_log(scope: Scope) -> bool:
    return scope.can(Cap.READ_AUDIT_LOG)


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=gettext_lazy("Search"),
        help_text=gettext_lazy("Object, reason, data or address"),
    )
    user = django_filters.CharFilter(method="by_user", label=gettext_lazy("User"))
    action = django_filters.ChoiceFilter(
        choices=sorted((a.value, a.value) for a in Action),
        label=pgettext_lazy("audit", "Action"),
        empty_label=gettext_lazy("All actions"),
    )
    result = django_filters.ChoiceFilter(
        choices=AuditEvent.Result.choices,
        label=gettext_lazy("Result"),
        empty_label=gettext_lazy("All results"),
    )
    since = django_filters.DateFilter(
        method="from_day", label=gettext_lazy("From"), widget=forms.DateInput
    )
    until = django_filters.DateFilter(
        method="to_day", label=gettext_lazy("To"), widget=forms.DateInput
    )

    class Meta:
        model = AuditEvent
        fields = ["q", "user", "action", "result", "since", "until"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()[:100]
        if not value:
            return qs
        return qs.filter(
            Q(object_id=value)
            | Q(object_type__icontains=value)
            | Q(action__icontains=value)
            | Q(reason__icontains=value)
            | Q(source__startswith=value)
            | Q(data__icontains=value)
        )

    def by_user(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()[:150]
        if not value:
            return qs
        return qs.filter(
            Q(actor__username__iexact=value)
            | Q(actor__display_name__icontains=value)
            | Q(data__username=value)  # failed sign-ins and lock-outs name the username tried
        )

    def from_day(self, qs: QuerySet, name: str, value: dt.date) -> QuerySet:
        return qs.filter(at__gte=_start(value))

    def to_day(self, qs: QuerySet, name: str, value: dt.date) -> QuerySet:
        return qs.filter(at__lt=_start(value + dt.timedelta(days=1)))


def _filtered(request: HttpRequest) -> AuditFilter:
    if not reads_audit_log(scope_for(request.user)):
        raise Http404
    rows = AuditEvent.objects.visible_to(request.user).select_related("actor")
    found = AuditFilter(request.GET, queryset=rows.order_by("-at", "-id"))
    if not found.is_valid():
        raise Http404
    return found


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    found = _filtered(request)
    page = Paginator(found.qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {
            "filter": found,
            "page": page,
            "active_filters": sum(1 for k in found.form.fields if request.GET.get(k)),
            "export_query": request.GET.urlencode(),
        },
    )


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value).replace(tzinfo=None)


EXPORT_HEADERS = (
    gettext_lazy("Time"),
    gettext_lazy("User"),
    gettext_lazy("Roles"),
    gettext_lazy("Source address"),
    pgettext_lazy("audit", "Action"),
    gettext_lazy("Object"),
    gettext_lazy("Result"),
    gettext_lazy("Reason"),
    gettext_lazy("Data"),
    gettext_lazy("Sequence"),
)


def _row(e: AuditEvent) -> list[Any]:
    return [
        _local(e.at),
        e.actor.username if e.actor else "",
        e.role_labels(),
        e.source,
        e.action,
        f"{e.object_type}#{e.object_id}" if e.object_id else e.object_type,
        e.get_result_display(),
        e.reason,
        str(e.data) if e.data else "",
        e.seq,
    ]


@login_required
def audit_log_export(request: HttpRequest) -> HttpResponse:
    """The filtered rows (at most EXPORT_MAX, newest first) in a spreadsheet; audited."""
    found = _filtered(request)
    rows = [_row(e) for e in found.qs[:EXPORT_MAX].iterator(chunk_size=2000)]
    content = xlsx.table_workbook([(_("Audit log"), [str(h) for h in EXPORT_HEADERS], rows)])
    audit.record(
        actor=request.user,
        action=Action.AUDIT_LOG_EXPORTED,
        object_type="core.auditevent",
        data={"rows": len(rows), "query": request.GET.urlencode()[:500]},
    )
    return xlsx.attachment(content, "audit-log.xlsx")
