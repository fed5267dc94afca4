"""Forms for intake, self-service and each transition's parameters."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.accounts.models import User
from grassroots.cases import selectors
from grassroots.cases.models import Case, Category, Closure, Priority
from grassroots.grid.forms import PositionForm
from grassroots.grid.models import Place


class Plain:
    """Labels sit above their fields and end with their own punctuation: no ":" added.

    Django's default suffix turned 「有什么问题？」 into 「有什么问题？:」.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]


# Short labels for the segmented control; the most common need first and preselected
# (a need heard on a visit is ordinary until the representative says otherwise).
PRIORITY_CHOICES = [
    (Priority.NORMAL, _("normal")),
    (Priority.URGENT, _("urgent")),
    (Priority.EMERGENCY, _("emergency")),
    (Priority.COMPLEX, _("complex")),
]


class TelInput(forms.TextInput):
    """A phone number: the phone's dial pad, not its keyboard."""

    input_type = "tel"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        # str(): the category's name in the reader's language once it has one.
        return f"{obj.parent} · {obj}" if obj.parent_id else str(obj)


class IntakeForm(Plain, PositionForm):
    text = forms.CharField(
        label=_("What is the problem?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Suggest from the text"),
    )
    # Not required: an API-style post without it takes the category's default.
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=PRIORITY_CHOICES,
        initial=Priority.NORMAL,
        required=False,
        widget=forms.RadioSelect,
    )
    affected_households = forms.IntegerField(
        label=_("Affected households"), min_value=1, max_value=10000, initial=1
    )

    def __init__(self, *args: Any, suggest_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.public_categories().select_related("parent")
        if suggest_url:
            # As she types: the suggested category and similar open cases (views.suggest).
            self.fields["text"].widget.attrs.update(
                {
                    "hx-get": suggest_url,
                    "hx-trigger": "keyup changed delay:600ms",
                    "hx-target": "#suggestion",
                    "hx-include": "this",
                }
            )


class ReportForm(Plain, PositionForm):
    """The resident's self-service form: no account, a small arithmetic challenge.

    The place is one id, chosen with the drill-down picker (town → village →
    group, fetched a level at a time): a county has thousands of groups, and
    the page never lists them.
    """

    place = forms.ModelChoiceField(
        label=_("Where is it?"),
        queryset=Place.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose the village or group where the problem is.")},
    )
    text = forms.CharField(
        label=_("What is the problem?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Not sure: the village will sort it"),
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("Phone for the call-back (optional)"),
        max_length=20,
        required=False,
        widget=TelInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    answer = forms.IntegerField(label=_("Answer"))
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # a honeypot

    def __init__(self, *args: Any, expected: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.fields["place"].queryset = selectors.public_groups()
        self.fields["category"].queryset = selectors.public_categories().select_related("parent")

    def clean_answer(self) -> int:
        value = self.cleaned_data["answer"]
        if self.expected is None or value != self.expected:
            raise forms.ValidationError(_("The answer is not right; try the new question."))
        return value

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Please leave this field empty."))
        return ""


def new_challenge() -> tuple[str, int]:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    return f"{a} + {b} = ?", a + b


# Best first; the stars beside the words, one row each (a tap target of its own).
RATINGS = [
    (5, format_lazy("★★★★★ {}", pgettext_lazy("rating", "Very satisfied"))),
    (4, format_lazy("★★★★☆ {}", pgettext_lazy("rating", "Satisfied"))),
    (3, format_lazy("★★★☆☆ {}", pgettext_lazy("rating", "Fair"))),
    (2, format_lazy("★★☆☆☆ {}", pgettext_lazy("rating", "Dissatisfied"))),
    (1, format_lazy("★☆☆☆☆ {}", pgettext_lazy("rating", "Very dissatisfied"))),
]


class RateForm(Plain, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the answer?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment (optional)"), max_length=200, required=False)


# ------------------------------------------------------------ transition forms


class PeriodForm(Plain, forms.Form):
    """The month the measures page reads."""

    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    month = forms.TypedChoiceField(
        label=_("Month"), choices=[(m, m) for m in range(1, 13)], coerce=int
    )


class NoteForm(Plain, forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def params(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ReasonForm(NoteForm):
    note = None  # type: ignore[assignment]
    reason = forms.CharField(label=_("Reason"), max_length=200)


class AssignForm(NoteForm):
    handler = forms.ModelChoiceField(
        label=pgettext_lazy("cases", "Person"), queryset=User.objects.none(), required=False
    )
    handler_place = forms.ModelChoiceField(
        label=_("Or a unit"), queryset=Place.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = selectors.eligible_handlers(self.case)
        self.fields["handler_place"].queryset = selectors.town_units(self.case)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("handler") and not data.get("handler_place"):
            raise forms.ValidationError(_("Choose a handler: a person or a unit."))
        return data


class SuspendForm(ReasonForm):
    until = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))


class ReplyForm(NoteForm):
    note = None  # type: ignore[assignment]
    reply = forms.CharField(
        label=_("Answer to the resident"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(NoteForm):
    solved = forms.BooleanField(label=_("Solved"), required=False, initial=True)
    closure = forms.ChoiceField(
        label=_("Closure type"),
        choices=[
            (c.value, c.label)
            for c in (Closure.RESOLVED, Closure.PARTLY, Closure.EXPLAINED, Closure.NOT_OURS)
        ],
    )


class ReworkForm(NoteForm):
    solved = forms.BooleanField(label=_("Solved"), required=False)


class WithdrawForm(NoteForm):
    closure = forms.ChoiceField(
        label=_("Why"),
        choices=[
            (c.value, c.label)
            for c in (Closure.WITHDRAWN, Closure.DUPLICATE, Closure.NOT_OURS, Closure.EXPLAINED)
        ],
    )


class ReopenForm(NoteForm):
    note = forms.CharField(label=_("Why reopen"), max_length=1000)


class WhistleForm(NoteForm):
    users = forms.ModelMultipleChoiceField(
        label=_("People"), queryset=User.objects.none(), required=False
    )
    places = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=Place.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = selectors.eligible_handlers(self.case)
        self.fields["places"].queryset = selectors.town_units(self.case)


ACTION_FORMS: dict[str, type[NoteForm]] = {
    "accept": NoteForm,
    "reject": ReasonForm,
    "assign": AssignForm,
    "transfer": AssignForm,
    "take": NoteForm,
    "return": ReasonForm,
    "request_suspension": SuspendForm,
    "approve_suspension": NoteForm,
    "deny_suspension": NoteForm,
    "resume": NoteForm,
    "reply": ReplyForm,
    "close": CloseForm,
    "rework": ReworkForm,
    "withdraw": WithdrawForm,
    "reopen": ReopenForm,
    "supervise": NoteForm,
    "whistle": WhistleForm,
}
