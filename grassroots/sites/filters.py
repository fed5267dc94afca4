"""The one FilterSet of site projects, shared by the board, the API and the export."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.core import clock
from grassroots.core.ids import IdModelChoiceFilter
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.party.models import Organization
from grassroots.sites.models import Project, Stage
from grassroots.sites.selectors import NOT_STARTED, overdue_q

STAGE_CHOICES = [("none", NOT_STARTED), *Stage.choices]


def reachable_branches(request: Any) -> QuerySet:
    """The branches (and general branches) the caller reaches: the branch filter's choices."""
    if request is None:
        return unscoped(Organization, why=Unscoped.SYSTEM).none()
    return (
        Organization.objects.visible_to(request.user)
        .filter(kind__in=(Organization.Kind.BRANCH, Organization.Kind.GENERAL_BRANCH))
        .order_by("path")
    )


class ProjectFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(
        choices=STAGE_CHOICES,
        method="filter_stage",
        label=_("Stage reached"),
        empty_label=_("All stages"),
    )
    branch = IdModelChoiceFilter(
        queryset=reachable_branches, label=_("Branch"), empty_label=_("All branches")
    )
    is_demonstration = django_filters.BooleanFilter(label=_("Demonstration site"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = Project
        fields = ["stage", "branch", "is_demonstration", "overdue"]

    def filter_stage(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(stage="" if value == "none" else value)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        late = overdue_q(clock.today())
        return queryset.filter(late) if value else queryset.exclude(late)
