"""Forms of the model-branch pages: apply with a self-score, review, object, decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grassroots.core.scoping import scope_for
from grassroots.inspections.models import Campaign, Indicator
from grassroots.party.models import Organization


def _score_fields(form: forms.Form, indicators: list[Indicator]) -> None:
    for ind in indicators:
        form.fields[f"score_{ind.pk}"] = forms.DecimalField(
            label=gettext("%(title)s (out of %(weight)s)")
            % {"title": ind.title, "weight": ind.weight},
            min_value=Decimal(0),
            max_value=Decimal(ind.weight),
            max_digits=4,
            decimal_places=1,
            widget=forms.NumberInput(attrs={"step": "0.5", "data-score": ind.weight}),
        )


def scores_of(form: forms.Form, indicators: list[Indicator]) -> dict[int, Decimal]:
    return {ind.pk: form.cleaned_data[f"score_{ind.pk}"] for ind in indicators}


class ApplyForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("branch"), empty_label=None
    )
    statement = forms.CharField(
        label=_("statement"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, user: Any, campaign: Campaign, indicators: list[Indicator], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organization"]
        field.queryset = (
            Organization.objects.visible_to(user)
            .filter(
                scope_for(user).orgs("path"),
                kind=Organization.Kind.BRANCH,
                path__startswith=campaign.org_path,
            )
            .order_by("name")
        )
        _score_fields(self, indicators)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("review note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _score_fields(self, indicators)
        self.order_fields([f"score_{i.pk}" for i in indicators] + ["note"])


class ObjectionForm(forms.Form):
    objection = forms.CharField(
        label=_("objection"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    award = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("award")), ("0", _("do not award"))],
        coerce=lambda v: v == "1",
        initial="1",
    )
    stars = forms.TypedChoiceField(
        label=_("stars"),
        choices=[(str(n), f"{n}★") for n in range(1, 6)],
        coerce=int,
        required=False,
        initial="3",
    )
    note = forms.CharField(
        label=_("decision"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
