"""Forms of the inspection pages: start an inspection, score it on a phone, acknowledge it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core import clock
from grassroots.core.scoping import scope_for
from grassroots.inspections.models import Finding, IndicatorSet, Inspection, InspectionPlan
from grassroots.party.models import Organization
from grassroots.rectify.models import Kind as RectificationKind


class InspectionStartForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("branch"), empty_label=None
    )
    indicator_set = forms.ModelChoiceField(
        queryset=IndicatorSet.objects.none(), label=_("indicators"), empty_label=None
    )
    inspected_on = forms.DateField(label=_("inspected on"))
    plan = forms.ModelChoiceField(
        queryset=InspectionPlan.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("inspected_on", clock.today())
        super().__init__(*args, **kwargs)
        plan_field: Any = self.fields["plan"]
        plan_field.queryset = InspectionPlan.objects.visible_to(user)
        scope = scope_for(user)
        org_field: Any = self.fields["organization"]
        org_field.queryset = (
            Organization.objects.visible_to(user)
            .filter(scope.orgs("path"), kind=Organization.Kind.BRANCH)
            .order_by("name")
        )
        set_field: Any = self.fields["indicator_set"]
        set_field.queryset = IndicatorSet.objects.visible_to(user).filter(
            status=IndicatorSet.Status.ACTIVE, purpose=IndicatorSet.Purpose.INSPECTION
        )


class ScoreForm(forms.Form):
    """One score, finding and flag per indicator, named after the indicator's id."""

    def __init__(
        self, *args: Any, inspection: Inspection, findings: list[Finding], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        self.findings = findings
        for f in findings:
            weight = f.indicator.weight
            self.fields[f"score_{f.indicator_id}"] = forms.DecimalField(
                label=_("Score (out of %(weight)s)") % {"weight": weight},
                min_value=Decimal(0),
                max_value=Decimal(weight),
                max_digits=4,
                decimal_places=1,
                required=False,
                initial=f.score,
                widget=forms.NumberInput(
                    attrs={"step": "0.5", "data-score": weight, "inputmode": "decimal"}
                ),
            )
            self.fields[f"text_{f.indicator_id}"] = forms.CharField(
                label=_("finding"),
                required=False,
                initial=f.text,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"flag_{f.indicator_id}"] = forms.BooleanField(
                label=_("needs rectification"), required=False, initial=f.needs_rectification
            )

    def cards(self) -> list[dict[str, Any]]:
        """Per indicator: its finding and its three bound fields, for one card each."""
        return [
            {
                "finding": f,
                "score": self[f"score_{f.indicator_id}"],
                "text": self[f"text_{f.indicator_id}"],
                "flag": self[f"flag_{f.indicator_id}"],
            }
            for f in self.findings
        ]

    def rows(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "indicator": f.indicator_id,
                "score": data.get(f"score_{f.indicator_id}"),
                "text": data.get(f"text_{f.indicator_id}") or "",
                "needs_rectification": bool(data.get(f"flag_{f.indicator_id}")),
            }
            for f in self.findings
        ]


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RectifyForm(forms.Form):
    deadline = forms.DateField(label=_("rectification deadline"))
    kind = forms.ChoiceField(
        label=_("type of rectification"),
        choices=RectificationKind.choices,
        initial=RectificationKind.DEADLINE,
    )


class DrawForm(forms.Form):
    size = forms.IntegerField(label=_("number of branches to draw"), min_value=1, max_value=1000)
    seed = forms.IntegerField(
        label=_("seed (optional)"),
        help_text=_("Leave empty: the system chooses one and records it."),
        required=False,
        min_value=0,
        max_value=2**62 - 1,
    )
