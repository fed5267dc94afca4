"""Forms of the alliance and project pages; they only parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.alliances.models import AllianceKind, ProjectStatus, UnitKind
from grassroots.core import clock
from grassroots.core.ids import IdModelChoiceField
from grassroots.grid.widgets import IsoDateInput


class AllianceForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("alliances", "Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=AllianceKind.choices)
    lead = IdModelChoiceField(label=_("Lead organisation"), queryset=None)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    founded_on = forms.DateField(label=_("Founded on"), required=False, widget=IsoDateInput())

    def __init__(self, *args: Any, leads: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    organization = IdModelChoiceField(
        label=_("Organisation of the town"),
        queryset=None,
        required=False,
        empty_label=_("(an outside unit)"),
    )
    unit_name = forms.CharField(
        label=_("Or an outside unit: its name"), max_length=100, required=False
    )
    unit_kind = forms.ChoiceField(
        label=_("Kind of unit"), choices=[("", "–"), *UnitKind.choices], required=False
    )
    role = forms.CharField(label=_("Role in the alliance"), max_length=100, required=False)
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=IsoDateInput())

    def __init__(self, *args: Any, organizations: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    organization = IdModelChoiceField(label=_("Lead branch"), queryset=None)
    alliance = IdModelChoiceField(
        label=_("Alliance"), queryset=None, required=False, empty_label=_("(none)")
    )
    goals = forms.CharField(
        label=_("Goals"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=IsoDateInput())
    due_on = forms.DateField(label=_("Due on"), widget=IsoDateInput())
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Leave empty when the project has milestones: they give the progress."),
    )

    def __init__(self, *args: Any, leads: QuerySet, alliances: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = leads  # type: ignore[attr-defined]
        self.fields["alliance"].queryset = alliances  # type: ignore[attr-defined]
        self.fields["starts_on"].initial = clock.today()


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=120)
    due_on = forms.DateField(label=_("Due on"), widget=IsoDateInput())
