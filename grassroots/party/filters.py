"""One FilterSet per listed model, shared by pages, API and export."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.core.ids import IdFilter
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.core.widgets import AllYesNoSelect
from grassroots.party.models import (
    GuidanceAssignment,
    GuidanceVisit,
    Instructor,
    Member,
    Organization,
)


class OrganizationFilter(django_filters.FilterSet):
    parent = IdFilter(method="filter_parent", label=_("parent"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))

    class Meta:
        model = Organization
        fields = ["kind", "org_type", "place"]

    def filter_parent(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        parent = (
            unscoped(Organization, why=Unscoped.SYSTEM)
            .filter(pk=value)
            .only("path", "depth")
            .first()
        )
        if parent is None:
            return qs.none()
        return qs.filter(path__startswith=parent.path, depth=parent.depth + 1)


class MemberFilter(django_filters.FilterSet):
    organization = IdFilter(method="filter_org", label=_("organisation"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))

    class Meta:
        model = Member
        fields = ["status", "post", "active"]

    def filter_org(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        org = unscoped(Organization, why=Unscoped.SYSTEM).filter(pk=value).only("path").first()
        return qs.filter(org_path__startswith=org.path) if org else qs.none()


class InstructorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))

    class Meta:
        model = Instructor
        fields = ["kind"]


class GuidanceAssignmentFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(
        widget=AllYesNoSelect, field_name="ended_on", lookup_expr="isnull", label=_("active")
    )

    class Meta:
        model = GuidanceAssignment
        fields = ["instructor", "organization"]


class GuidanceVisitFilter(django_filters.FilterSet):
    class Meta:
        model = GuidanceVisit
        fields = ["instructor", "organization"]
