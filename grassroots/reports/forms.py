from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.ids import IdModelChoiceField
from grassroots.reports.models import Report


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Report.Kind.choices)
    period = forms.CharField(
        label=pgettext_lazy("report", "Period"),
        max_length=7,
        help_text=pgettext_lazy("report", "e.g. 2026-11 or 2026-Q4"),
    )
    place = IdModelChoiceField(label=pgettext_lazy("report", "Town or county"), queryset=None)

    def __init__(self, *args: Any, nodes: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["place"]
        field.queryset = nodes
        if len(nodes) == 1:
            field.initial = nodes[0].pk
