"""One FilterSet for the inbox page and the API list."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.cases import rules
from grassroots.cases.measures import month_bounds
from grassroots.cases.models import CLOCK_STATUSES, OPEN_STATUSES, Case, Category, Priority, Status
from grassroots.core import clock
from grassroots.core.ids import IdFilter
from grassroots.core.scoping import Unscoped, scope_for, unscoped
from grassroots.core.widgets import AllYesNoSelect
from grassroots.grid.models import Place


class MonthFormField(forms.RegexField):
    """A month as "2026-09"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(regex=r"^20[0-9]{2}-(0[1-9]|1[0-2])$", **kwargs)


class MonthFilter(django_filters.CharFilter):
    field_class = MonthFormField


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.all(),
        method="filter_category",
        empty_label=_("All"),
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=Priority.choices, empty_label=_("All")
    )
    mine = django_filters.BooleanFilter(
        widget=AllYesNoSelect, label=_("Assigned to me"), method="filter_mine"
    )
    overdue = django_filters.BooleanFilter(
        widget=AllYesNoSelect, label=_("Overdue"), method="filter_overdue"
    )
    open = django_filters.BooleanFilter(
        widget=AllYesNoSelect, label=_("Open"), method="filter_open"
    )
    supervised = django_filters.BooleanFilter(widget=AllYesNoSelect, label=_("Supervised"))
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    # Where a figure leads (measures, board): the cases of a month, under a place.
    month = MonthFilter(label=_("Month"), method="filter_month", widget=forms.HiddenInput)
    under = IdFilter(label=_("Place"), method="filter_under", widget=forms.HiddenInput)

    class Meta:
        model = Case
        fields = ["status", "category", "priority", "supervised"]

    def filter_category(self, qs: QuerySet, name: str, value: Any) -> QuerySet:
        if not value:
            return qs
        return qs.filter(Q(category=value) | Q(category__parent=value))

    def filter_mine(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if not value or self.request is None:
            return qs
        return qs.filter(rules.mine_q(scope_for(self.request.user)))

    def filter_open(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        is_open = Q(status__in=OPEN_STATUSES)
        return qs.filter(is_open) if value else qs.exclude(is_open)

    def filter_overdue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        overdue = Q(status__in=CLOCK_STATUSES, resolve_due_at__lt=clock.now())
        return qs.filter(overdue) if value else qs.exclude(overdue)

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(code__iexact=value) | Q(title__icontains=value))

    def filter_month(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return qs
        year, month = (int(part) for part in value.split("-"))
        start, end = month_bounds(year, month)
        return qs.filter(submitted_at__gte=start, submitted_at__lt=end)

    def filter_under(self, qs: QuerySet, name: str, value: Any) -> QuerySet:
        if not value:
            return qs
        # Only narrows what the caller already reaches: the place itself may be any.
        place = unscoped(Place, why=Unscoped.SYSTEM).filter(pk=int(value)).first()
        return qs.filter(place_path__startswith=place.path) if place else qs.none()
