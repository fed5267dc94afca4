"""The arrangement list's month filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MonthFilter(forms.Form):
    month = forms.ChoiceField(label=pgettext_lazy("cadence", "Month"), required=False)

    def __init__(self, *args: object, months: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["month"].choices = [("", _("All months")), *[(m, m) for m in months]]
