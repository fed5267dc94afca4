"""One FilterSet for the inbox page and the API list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.cases import rules
from grassroots.cases.models import CLOCK_STATUSES, OPEN_STATUSES, Case, Category, Priority, Status
from grassroots.core import clock
from grassroots.core.scoping import scope_for
from grassroots.core.widgets import AllYesNoSelect


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
