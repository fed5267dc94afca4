"""Forms of the inspection pages: start an inspection, score it on a phone, acknowledge it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.models import User
from grassroots.core import clock
from grassroots.core.scoping import scope_for
from grassroots.inspections.models import Finding, IndicatorSet, Inspection, InspectionPlan
from grassroots.inspections.services import fellow_inspectors
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
    inspectors = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label=_("inspecting with"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    plan = forms.ModelChoiceField(
        queryset=InspectionPlan.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("inspected_on", clock.today())
        super().__init__(*args, **kwargs)
        people: Any = self.fields["inspectors"]
        people.queryset = User.objects.filter(
            pk__in=[u.pk for u in fellow_inspectors(user)]
        ).order_by("username")
        people.label_from_instance = lambda u: u.display_name or u.username
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


def _committees(user: Any) -> Any:
    return Organization.objects.visible_to(user).filter(
        scope_for(user).orgs("path"), kind=Organization.Kind.COMMITTEE
    )


def _active_sets(user: Any, purpose: str) -> Any:
    return IndicatorSet.objects.visible_to(user).filter(
        status=IndicatorSet.Status.ACTIVE, purpose=purpose
    )


class PlanForm(forms.Form):
    committee = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("committee"), empty_label=None
    )
    title = forms.CharField(label=_("title"), max_length=120)
    indicator_set = forms.ModelChoiceField(
        queryset=IndicatorSet.objects.none(), label=_("indicators"), empty_label=None
    )
    starts_on = forms.DateField(label=_("from"))
    ends_on = forms.DateField(label=_("until"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        committee: Any = self.fields["committee"]
        committee.queryset = _committees(user)
        sets: Any = self.fields["indicator_set"]
        sets.queryset = _active_sets(user, IndicatorSet.Purpose.INSPECTION)


class CampaignForm(forms.Form):
    committee = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("committee"), empty_label=None
    )
    title = forms.CharField(label=_("title"), max_length=120)
    criteria = forms.ModelChoiceField(
        queryset=IndicatorSet.objects.none(), label=_("criteria"), empty_label=None
    )
    applies_from = forms.DateField(label=_("applications from"))
    applies_until = forms.DateField(label=_("applications until"))
    notice_days = forms.IntegerField(
        label=_("notice period (working days)"), min_value=1, max_value=30, initial=5
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        committee: Any = self.fields["committee"]
        committee.queryset = _committees(user)
        sets: Any = self.fields["criteria"]
        sets.queryset = _active_sets(user, IndicatorSet.Purpose.CAMPAIGN)


class IndicatorSetForm(forms.Form):
    """A draft set typed on a phone: one indicator a line, `title | weight | what to check`."""

    committee = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("committee"), empty_label=None
    )
    name = forms.CharField(label=_("name"), max_length=120)
    purpose = forms.ChoiceField(
        label=_("purpose"),
        choices=IndicatorSet.Purpose.choices,
        initial=IndicatorSet.Purpose.INSPECTION,
    )
    indicators = forms.CharField(
        label=_("indicators"),
        help_text=_("One a line: title | weight | what to check. The weights must add up to 100."),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        committee: Any = self.fields["committee"]
        committee.queryset = _committees(user)

    def clean_indicators(self) -> list[dict[str, str]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["indicators"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("｜", "|").split("|")]
            if len(parts) < 2 or not parts[1].isdigit():
                raise forms.ValidationError(
                    _("Line %(n)s: write the title, a bar and a whole-number weight.")
                    % {"n": number}
                )
            rows.append({"title": parts[0], "weight": parts[1], "guidance": " ".join(parts[2:])})
        return rows
