"""The one FilterSet of meetings, shared by the list page, the API and the export."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.core.ids import IdModelChoiceFilter
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.widgets import IsoDateInput
from grassroots.orglife.models import Meeting, MeetingKind
from grassroots.party.models import Organization


def reachable_branches(request: Any) -> QuerySet:
    """The branches the caller reaches (the choices of the branch filter)."""
    if request is None:
        return unscoped(Organization, why=Unscoped.SYSTEM).none()
    return (
        Organization.objects.visible_to(request.user)
        .filter(kind=Organization.Kind.BRANCH)
        .order_by("path")
    )


class MeetingFilter(django_filters.FilterSet):
    branch = IdModelChoiceFilter(
        queryset=reachable_branches, label=_("Branch"), empty_label=_("All branches")
    )
    kind = django_filters.ChoiceFilter(
        choices=MeetingKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    held_after = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label=_("From"), widget=IsoDateInput()
    )
    held_before = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label=_("Until"), widget=IsoDateInput()
    )

    class Meta:
        model = Meeting
        fields = ["branch", "kind", "held_after", "held_before"]
