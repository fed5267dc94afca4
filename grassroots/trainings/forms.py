"""Forms of the trainings pages (the services validate again)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.core.ids import IdModelChoiceField, IdModelMultipleChoiceField
from grassroots.grid.widgets import IsoDateInput
from grassroots.trainings.models import Audience, Kind, Mode


class TimeInput(forms.TimeInput):
    input_type = "time"


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=IsoDateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=IsoDateInput())
    branches = IdModelMultipleChoiceField(
        label=_("Branches"),
        queryset=None,
        required=False,
        help_text=_("None chosen: every branch under the committee."),
        widget=forms.CheckboxSelectMultiple,
    )
    villages = IdModelMultipleChoiceField(
        label=_("Villages"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args: Any, branches: Any, villages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branches"].queryset = branches
        self.fields["villages"].queryset = villages


class SessionForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    lecturer = forms.CharField(label=_("Lecturer"), max_length=50, required=False)
    on = forms.DateField(label=_("Date"), widget=IsoDateInput())
    start = forms.TimeField(label=_("Starts at"), widget=TimeInput(), initial=dt.time(9))
    end = forms.TimeField(label=_("Ends at"), widget=TimeInput(), initial=dt.time(11))
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)
    hours = forms.DecimalField(
        label=_("Hours credited"),
        min_value=Decimal("0.5"),
        max_value=Decimal("99"),
        decimal_places=1,
    )
    venues = IdModelMultipleChoiceField(
        label=_("Venues"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    material_text = forms.CharField(
        label=_("Online material (text)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )
    material_seconds = forms.IntegerField(
        label=_("Time to spend on it (seconds)"),
        min_value=0,
        max_value=36000,
        required=False,
        initial=0,
    )
    online_until = forms.DateField(label=_("Online until"), required=False, widget=IsoDateInput())

    def __init__(self, *args: Any, venues: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["venues"].queryset = venues

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        day = self.cleaned_data["on"]
        start = timezone.make_aware(dt.datetime.combine(day, self.cleaned_data["start"]))
        end = timezone.make_aware(dt.datetime.combine(day, self.cleaned_data["end"]))
        return start, end


class MakeupForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=IsoDateInput())
    start = forms.TimeField(label=_("Starts at"), widget=TimeInput(), initial=dt.time(14))
    end = forms.TimeField(label=_("Ends at"), widget=TimeInput(), initial=dt.time(16))
    present = IdModelMultipleChoiceField(
        label=_("Present"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = people

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        day = self.cleaned_data["on"]
        start = timezone.make_aware(dt.datetime.combine(day, self.cleaned_data["start"]))
        return start, timezone.make_aware(dt.datetime.combine(day, self.cleaned_data["end"]))


class HomeLessonForm(forms.Form):
    person = IdModelChoiceField(label=_("Person"), queryset=None)
    note = forms.CharField(
        label=_("Note"), max_length=200, help_text=_("Who took the lesson home and how it went.")
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class ExcuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class AddMemberForm(forms.Form):
    member = IdModelChoiceField(label=_("Member"), queryset=None)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class HoursForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    member_hours = forms.IntegerField(label=_("Hours for members"), min_value=1, max_value=500)
    secretary_hours = forms.IntegerField(
        label=_("Hours for secretaries"), min_value=1, max_value=500
    )
