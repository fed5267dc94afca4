"""Forms of the Party pages; they only parse input, services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core import clock
from grassroots.grid.widgets import IsoDateInput


class GuidanceVisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Date"), widget=IsoDateInput(), required=False)
    topic = forms.CharField(label=_("Topic"), max_length=120)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = clock.today()
