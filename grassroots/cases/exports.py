"""The case list's and the measures page's spreadsheets (issue #13).

The list's export is the inbox's rows through its own FilterSet (what the page shows, every
page of it); the measures' export is the measures page's figures for the chosen month.
Phones stay masked; each export is audited; both need Cap.EXPORT (403), the measures also
the measures' reach (404), as the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.cases import measures, rules, selectors
from grassroots.cases.filters import CaseFilter
from grassroots.cases.forms import PeriodForm
from grassroots.cases.models import Case
from grassroots.core import audit, clock, xlsx
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.scoping import scope_for


def _require_export(request: HttpRequest) -> None:
    if not scope_for(request.user).can(Cap.EXPORT):
        raise PermissionDenied


def _local(value: Any) -> Any:
    """A moment as the sheet holds it: local time, no zone (Excel has none)."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


EXPORT_FIELDS = (
    "code",
    "title",
    "status",
    "priority",
    "category",
    "place",
    "channel",
    "reporter_name",
    "reporter_phone_masked",
    "handler",
    "submitted_at",
    "resolve_due_at",
    "closed_at",
    "supervised",
)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The inbox's rows as filtered (its own FilterSet), in a spreadsheet; phones masked."""
    _require_export(request)
    f = CaseFilter(request.GET, queryset=selectors.inbox(request.user), request=request)
    if not f.is_valid():
        raise Http404
    cases = selectors.with_place_labels(list(f.qs))
    headers = [Case._meta.get_field(name).verbose_name for name in EXPORT_FIELDS]
    headers.insert(-1, _("Overdue"))
    rows = [
        [
            c.code,
            c.title,
            c.get_status_display(),
            c.get_priority_display(),
            str(c.category),
            c.place_label,
            c.get_channel_display(),
            c.reporter_name,
            c.reporter_phone_masked,  # masked at intake; the plain number is sealed
            str(c.handler or c.handler_place or ""),
            _local(c.submitted_at),
            _local(c.resolve_due_at),
            _local(c.closed_at),
            "✓" if c.is_overdue else "",
            "✓" if c.supervised else "",
        ]
        for c in cases
    ]
    content = xlsx.table_workbook([(_("Cases"), [str(h) for h in headers], rows)])
    audit.record(
        actor=request.user,
        action=Action.CASES_EXPORTED,
        object_type="cases.case",
        data={"rows": len(rows), "query": request.GET.urlencode()[:500]},
    )
    return xlsx.attachment(content, "cases.xlsx")


MEASURE_COLUMNS = (
    ("response_rate", gettext_lazy("Response rate")),
    ("resolution_rate", gettext_lazy("Resolution rate")),
    ("satisfaction_rate", gettext_lazy("Satisfaction rate")),
    ("on_time_rate", gettext_lazy("On-time rate")),
    ("return_rate", gettext_lazy("Return rate")),
    ("rework_rate", gettext_lazy("Rework rate")),
)


@login_required
def measures_export(request: HttpRequest) -> HttpResponse:
    """The measures page's figures (each town, then its villages ranked) in a spreadsheet."""
    if not rules.reads_measures(scope_for(request.user)):
        raise Http404
    _require_export(request)
    now = clock.now()
    form = PeriodForm(request.GET or {"year": now.year, "month": now.month})
    if not form.is_valid():
        raise Http404
    year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    headers = [Case._meta.get_field("town").verbose_name, _("Village"), _("Cases")]
    headers += [label for _key, label in MEASURE_COLUMNS] + [_("Avg. working days")]

    def row(town: Any, place: Any, m: measures.Measures) -> list[Any]:
        rates = [getattr(m, key) for key, _label in MEASURE_COLUMNS]
        cells = [None if r is None else xlsx.Percent(r) for r in rates]
        return [str(town), str(place), m.cases, *cells, m.avg_days_to_resolve]

    rows = []
    for town in selectors.towns_for(request.user):
        rows.append(row(town, _("whole town"), measures.measures_for(town, year, month)))
        rows += [row(town, v, m) for v, m in measures.village_ranking(town, year, month)]
    content = xlsx.table_workbook([(f"{year}-{month:02d}", [str(h) for h in headers], rows)])
    audit.record(
        actor=request.user,
        action=Action.CASES_MEASURES_EXPORTED,
        object_type="cases.case",
        data={"rows": len(rows), "year": year, "month": month},
    )
    return xlsx.attachment(content, f"case-measures-{year}-{month:02d}.xlsx")
