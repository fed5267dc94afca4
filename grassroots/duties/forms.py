"""Forms of the duties pages (validation of meaning stays in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core import records
from grassroots.duties.evidence import ACCEPT, MAX_BYTES
from grassroots.duties.models import Cadence, Category, DueRule, Evidence, TargetRule


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("One document or scan, at most 10 MB. Never a photo requirement."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data.get("evidence")
        if upload and upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Confirm")), ("0", _("Return"))],
        coerce=lambda v: v == "1",
        initial="1",
    )
    reason = forms.CharField(label=_("Reason returned"), required=False, max_length=300)


class StepForm(forms.Form):
    index = forms.IntegerField(min_value=0, max_value=20)


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    organization = forms.ModelChoiceField(label=_("Party committee"), queryset=None)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, committees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = committees
        if committees.count() == 1:
            self.fields["organization"].initial = committees.first()


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    cadence = forms.ChoiceField(
        label=_("Cadence"), choices=Cadence.choices, initial=Cadence.MONTHLY
    )
    due_rule = forms.ChoiceField(label=pgettext_lazy("due rule", "Due"), choices=DueRule.choices)
    due_n = forms.IntegerField(
        label=_("Day"),
        required=False,
        min_value=1,
        max_value=60,
        help_text=_("Weekday 1–7, day of the month 1–31, or working days 1–60."),
    )
    weight = forms.IntegerField(label=_("Weight"), min_value=0, max_value=100)
    target_rule = forms.ChoiceField(label=_("Branches"), choices=TargetRule.choices)
    targets = forms.ModelMultipleChoiceField(
        label=_("Branches listed"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    completes_on = forms.ChoiceField(label=_("Completed by a record"), required=False)
    evidence = forms.ChoiceField(label=_("File"), choices=Evidence.choices, initial=Evidence.NONE)
    review_required = forms.BooleanField(label=_("Confirmed by a reviewer"), required=False)
    steps = forms.CharField(
        label=_("Steps"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One step a line, at most 10 steps of 60 characters."),
    )

    def __init__(self, *args: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["targets"].queryset = branches
        self.fields["completes_on"].choices = [("", _("— ticked by the secretary —"))] + [
            (key, label) for key, label in records.choices()
        ]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["steps"] = [s for s in (data.get("steps") or "").splitlines() if s.strip()]
        data["targets"] = list(data.get("targets") or [])
        return data
