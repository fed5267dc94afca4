"""One FilterSet for the ledger page, its export and print view, and the API list."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core import clock
from grassroots.core.widgets import AllYesNoSelect
from grassroots.party.models import Organization
from grassroots.rectify.models import OPEN_STATUSES, Colour, Item, Kind, Source, Status
from grassroots.rectify.selectors import colour_q

DATE = forms.DateInput(attrs={"type": "date"})


def units(request: Any) -> QuerySet:
    """The organisations the user reaches (the unit filter's and the form's choices)."""
    user = getattr(request, "user", None)
    return Organization.objects.visible_to(user).order_by("path")


class ItemFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All")
    )
    colour = django_filters.ChoiceFilter(
        label=_("Warning"), choices=Colour.choices, empty_label=_("All"), method="filter_colour"
    )
    source = django_filters.ChoiceFilter(
        label=pgettext_lazy("rectify", "Source"), choices=Source.choices, empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=Kind.choices, empty_label=_("All"))
    unit = django_filters.ModelChoiceFilter(
        label=_("Responsible unit"),
        queryset=units,
        field_name="organization",
        empty_label=_("All"),
    )
    overdue = django_filters.BooleanFilter(
        widget=AllYesNoSelect, label=_("Overdue"), method="filter_overdue"
    )
    deadline_from = django_filters.DateFilter(
        label=_("Deadline from"), field_name="deadline", lookup_expr="gte", widget=DATE
    )
    deadline_to = django_filters.DateFilter(
        label=_("Deadline until"), field_name="deadline", lookup_expr="lte", widget=DATE
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = Item
        fields = ["status", "source", "kind"]

    def filter_colour(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(colour_q(value, clock.today())) if value else qs

    def filter_overdue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        late = Q(status__in=OPEN_STATUSES, deadline__lt=clock.today())
        return qs.filter(late) if value else qs.exclude(late)

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()[:100]
        if not value:
            return qs
        return qs.filter(
            Q(code__icontains=value) | Q(problem__icontains=value) | Q(source_ref__icontains=value)
        )
