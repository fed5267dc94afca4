"""The one FilterSet of reports (the list page)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.reports.models import Report


class ReportFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=Report.Kind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    period = django_filters.CharFilter(
        label=pgettext_lazy("report", "Period"),
        help_text=pgettext_lazy("report", "e.g. 2026-11 or 2026-Q4"),
    )

    class Meta:
        model = Report
        fields = ["kind", "period"]
