"""The register form and each transition's parameters (services validate again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.accounts.models import User
from grassroots.party.models import Organization
from grassroots.rectify.models import Kind, Source
from grassroots.rectify.services.evidence import MAX_EVIDENCE_BYTES

DATE = forms.DateInput(attrs={"type": "date"})
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class Plain:
    """Labels above their fields, no ":" added."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


class ItemForm(Plain, forms.Form):
    organization = UnitChoiceField(
        label=_("Responsible unit"), queryset=Organization.objects.none()
    )
    source = forms.ChoiceField(label=pgettext_lazy("rectify", "Source"), choices=Source.choices)
    source_ref = forms.CharField(
        label=_("Source reference"),
        max_length=120,
        required=False,
        help_text=_("For example the inspection or the case number."),
    )
    problem = forms.CharField(label=_("Problem"), max_length=2000, widget=TEXTAREA)
    measures = forms.CharField(
        label=_("Measures"), max_length=2000, required=False, widget=TEXTAREA
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Kind.choices, initial=Kind.DEADLINE)
    deadline = forms.DateField(
        label=pgettext_lazy("rectify", "Deadline"),
        widget=DATE,
        help_text=_("For a long-term item, the date of the next review."),
    )
    leader = forms.ModelChoiceField(
        label=_("Responsible leader"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Someone with an account gets the yellow and red warnings."),
    )
    leader_name = forms.CharField(
        label=_("Responsible leader (name only)"), max_length=50, required=False
    )
    person = forms.ModelChoiceField(
        label=_("Responsible person"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Without one, the unit's secretaries get the warnings."),
    )
    person_name = forms.CharField(
        label=_("Responsible person (name only)"), max_length=50, required=False
    )

    def __init__(self, *args: Any, units: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = units  # type: ignore[attr-defined]
        self.fields["leader"].queryset = people  # type: ignore[attr-defined]
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class NoteForm(Plain, forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def params(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class EmptyForm(NoteForm):
    note = None  # type: ignore[assignment]


class ReasonForm(NoteForm):
    note = forms.CharField(
        label=_("What is still missing"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class HandOverForm(NoteForm):
    person_name = forms.CharField(label=_("Responsible person"), max_length=50, required=False)

    def params(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if not data.get("person_name"):
            data.pop("person_name", None)
        return data


class SignoffForm(NoteForm):
    note = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = forms.FileField(
        label=_("Evidence (optional, one file)"),
        required=False,
        help_text=_("A document or a picture, at most 10 MB. No photo is required."),
    )

    def clean_evidence(self) -> Any:
        file = self.cleaned_data.get("evidence")
        if file is not None and file.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return file


ACTION_FORMS: dict[str, type[NoteForm]] = {
    "hand_over": HandOverForm,
    "start_rectifying": NoteForm,
    "request_signoff": SignoffForm,
    "start_review": EmptyForm,
    "sign_off": NoteForm,
    "return_for_rework": ReasonForm,
    "rework": NoteForm,
}


class ExtensionForm(Plain, forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecideForm(Plain, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)
