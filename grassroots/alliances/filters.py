"""One FilterSet per listed model, shared by the list pages, the API and the exports."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.alliances.models import Alliance, AllianceKind, InnovationProject, ProjectStatus
from grassroots.core.ids import IdModelChoiceFilter
from grassroots.core.scoping import Unscoped, unscoped


def visible_alliances(request: Any) -> QuerySet:
    if request is None:
        return unscoped(Alliance, why=Unscoped.SYSTEM).none()
    return Alliance.objects.visible_to(request.user)


class AllianceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = django_filters.ChoiceFilter(
        choices=AllianceKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )

    class Meta:
        model = Alliance
        fields = ["q", "kind"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(name__icontains=value) | Q(description__icontains=value))


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    status = django_filters.ChoiceFilter(
        choices=ProjectStatus.choices, label=_("Status"), empty_label=_("All statuses")
    )
    alliance = IdModelChoiceFilter(
        queryset=visible_alliances, label=_("Alliance"), empty_label=_("All alliances")
    )

    class Meta:
        model = InnovationProject
        fields = ["q", "status", "alliance"]
