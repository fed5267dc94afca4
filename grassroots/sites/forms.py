"""Forms of the site pages; they only parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core import clock
from grassroots.core.ids import IdModelChoiceField
from grassroots.grid.widgets import IsoDateInput
from grassroots.party.models import Organization
from grassroots.sites.models import STAGES, Stage


class BranchChoice(IdModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


class DetailsForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("sites", "Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    area_m2 = forms.IntegerField(label=_("Floor area (m²)"), min_value=1, required=False)
    linked_projects = forms.CharField(
        label=_("Linked development projects"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, e.g. a demonstration farm area or an old-street renovation."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(label=_("Deadline"), widget=IsoDateInput(), required=False)
    is_demonstration = forms.BooleanField(label=_("Demonstration site"), required=False)

    def __init__(self, *args: Any, committee: bool, **kwargs: Any) -> None:
        """`committee`: may the user set the deadline and the demonstration flag."""
        super().__init__(*args, **kwargs)
        if not committee:
            del self.fields["deadline"]
            del self.fields["is_demonstration"]
        for stage in STAGES:
            self.fields[f"planned_{stage}"] = forms.DateField(
                label=_("Planned: %(stage)s") % {"stage": Stage(stage).label},
                widget=IsoDateInput(),
                required=False,
            )

    def details(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("planned_")}
        if "deadline" in data and data["deadline"] is None:
            del data["deadline"]
        return data

    def planned(self) -> dict[str, Any]:
        return {stage: self.cleaned_data.get(f"planned_{stage}") for stage in STAGES}


class ProjectForm(DetailsForm):
    branch = BranchChoice(label=_("Branch"), queryset=None)
    field_order = ["branch", "name"]

    def __init__(self, *args: Any, branches: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches  # type: ignore[attr-defined]
        self.order_fields(self.field_order)


class ReachForm(forms.Form):
    on = forms.DateField(label=_("Reached on"), widget=IsoDateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = clock.today()


class CheckForm(forms.Form):
    text = forms.CharField(label=_("Acceptance item"), max_length=200)


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo (an image of at most 5 MB)"))
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)


class VisitForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=120)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    visited_on = forms.DateField(label=_("Date"), widget=IsoDateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = clock.today()
