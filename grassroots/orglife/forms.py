"""Forms of the meeting pages; they only parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.core import clock
from grassroots.core.ids import IdModelMultipleChoiceField
from grassroots.grid.widgets import IsoDateInput
from grassroots.orglife.models import MeetingKind
from grassroots.party.models import Member


class CheckboxRows(forms.CheckboxSelectMultiple):
    """One 44 px row per member: the kit styles `.field__set li label` as a tap-sized row
    (Django 5 draws checkbox groups as nested divs, which the kit's rule does not reach)."""

    template_name = "orglife/widgets/checkbox_rows.html"


class MemberChoices(IdModelMultipleChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return obj.name


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    held_on = forms.DateField(label=_("Date"), widget=IsoDateInput())
    place = forms.CharField(label=_("Place"), max_length=100)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    host = forms.CharField(label=_("Host"), max_length=50, required=False)
    present = MemberChoices(
        label=_("Present (untick whoever was absent)"),
        queryset=None,
        widget=CheckboxRows,
        required=False,
    )
    excused = MemberChoices(
        label=_("On leave (excused)"),
        queryset=None,
        widget=CheckboxRows,
        required=False,
    )
    excuse_reason = forms.CharField(label=_("Reason for leave"), max_length=100, required=False)
    file = forms.FileField(
        label=_("File (optional: minutes or sign-in sheet; PDF, image or office document)"),
        required=False,
    )

    def __init__(self, *args: Any, roster: QuerySet, **kwargs: Any) -> None:
        """`roster`: the organisation's active members, read by the view within the user's reach."""
        super().__init__(*args, **kwargs)
        for name in ("present", "excused"):
            self.fields[name].queryset = roster  # type: ignore[attr-defined]
        self.fields["present"].initial = [m.pk for m in roster]
        self.fields["held_on"].initial = clock.today()
        self.fields["kind"].initial = MeetingKind.PARTY_DAY

    def excused_reasons(self) -> dict[Member, str]:
        reason = self.cleaned_data.get("excuse_reason", "")
        return dict.fromkeys(self.cleaned_data.get("excused") or [], reason)


class MeetingEditForm(MeetingForm):
    """The correction of a record: its kind stays; the file may be replaced or removed."""

    remove_file = forms.BooleanField(label=_("Remove the file"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].disabled = True
