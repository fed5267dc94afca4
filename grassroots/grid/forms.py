"""Forms of the grid pages; they only parse input, services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from grassroots.core import clock
from grassroots.grid.models import Visit
from grassroots.grid.widgets import IsoDateInput


class PositionForm(forms.Form):
    """Where the phone was, when it shares its position (filled by site.js; never required)."""

    latitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    accuracy_m = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def clean_latitude(self) -> object:
        value = self.cleaned_data.get("latitude")
        return value if value is None or -90 <= value <= 90 else None

    def clean_longitude(self) -> object:
        value = self.cleaned_data.get("longitude")
        return value if value is None or -180 <= value <= 180 else None


class VisitForm(PositionForm):
    mode = forms.ChoiceField(
        label=_("How"),
        choices=Visit.Mode.choices,
        initial=Visit.Mode.DOOR,
        widget=forms.RadioSelect,
    )
    visited_on = forms.DateField(label=_("Date"), required=False, widget=IsoDateInput())
    notes = forms.CharField(
        label=_("Notes (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Filled by site.js when the phone shares its clock.
    device_time = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = clock.today()
        self.fields["visited_on"].initial = today
        # The picker offers no future day (the service refuses one anyway).
        self.fields["visited_on"].widget.attrs["max"] = today.isoformat()

    def clean_visited_on(self) -> dt.date | None:
        value = self.cleaned_data.get("visited_on")
        if value is not None and value > clock.today():
            raise forms.ValidationError(_("A visit cannot be in the future."))
        return value

    def visited_at(self) -> dt.datetime | None:
        """When the visit happened: now for today (or no date), noon of an earlier day."""
        day = self.cleaned_data.get("visited_on")
        if day is None or day >= clock.today():
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))

    def clean_device_time(self) -> dt.datetime | None:
        # A phone clock is evidence, not truth: an unreadable value is dropped,
        # never a reason to lose the visit.
        raw = (self.cleaned_data.get("device_time") or "").strip()
        if not raw:
            return None
        try:
            value = parse_datetime(raw)
        except ValueError:
            return None
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value
