"""One FilterSet per listed model, shared by the API (and the pages' selectors' choices)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.ids import IdFilter
from grassroots.duties.models import Assignment, BranchFigure, Cadence, Item, Plan


class PlanFilter(django_filters.FilterSet):
    class Meta:
        model = Plan
        fields = ["status"]


class ItemFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id", label=pgettext_lazy("duties", "plan"))

    class Meta:
        model = Item
        fields = ["retired"]


class AssignmentFilter(django_filters.FilterSet):
    branch = IdFilter(field_name="organization_id", label=_("branch"))
    plan = IdFilter(field_name="plan_id", label=pgettext_lazy("duties", "plan"))
    period = django_filters.CharFilter(field_name="period", max_length=10, label=_("period"))
    cadence = django_filters.ChoiceFilter(choices=Cadence.choices, label=_("cadence"))
    status = django_filters.ChoiceFilter(choices=Assignment.Status.choices, label=_("status"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("not done"))

    class Meta:
        model = Assignment
        fields = ["overdue"]

    def filter_open(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        done = Assignment.Status.DONE
        return qs.exclude(status=done) if value else qs.filter(status=done)


class FigureFilter(django_filters.FilterSet):
    branch = IdFilter(field_name="organization_id", label=_("branch"))
    cadence = django_filters.ChoiceFilter(choices=Cadence.choices, label=_("cadence"))
    period = django_filters.CharFilter(field_name="period", max_length=10, label=_("period"))

    class Meta:
        model = BranchFigure
        fields: list[str] = []
