"""One FilterSet per listed model, shared by the pages, the API and the exports."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.core.ids import IdFilter
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.inspections.models import (
    Application,
    Campaign,
    IndicatorSet,
    Inspection,
    InspectionPlan,
    StarRating,
)
from grassroots.party.models import Organization


def _under(qs: QuerySet, value: int) -> QuerySet:
    # The organisation is looked up to read its path; the rows stay the caller's visible ones.
    org = unscoped(Organization, why=Unscoped.SYSTEM).filter(pk=value).only("path").first()
    return qs.filter(org_path__startswith=org.path) if org else qs.none()


class IndicatorSetFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))

    class Meta:
        model = IndicatorSet
        fields = ["purpose", "status"]


class PlanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("title"))

    class Meta:
        model = InspectionPlan
        fields: list[str] = []


class InspectionFilter(django_filters.FilterSet):
    organization = IdFilter(method="filter_org", label=_("organisation"))
    plan = IdFilter(field_name="plan_id", label=_("plan"))
    since = django_filters.DateFilter(
        field_name="inspected_on", lookup_expr="gte", label=_("inspected from")
    )
    until = django_filters.DateFilter(
        field_name="inspected_on", lookup_expr="lte", label=_("inspected until")
    )

    class Meta:
        model = Inspection
        fields = ["status"]

    def filter_org(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        return _under(qs, value)


class CampaignFilter(django_filters.FilterSet):
    class Meta:
        model = Campaign
        fields = ["status"]


class ApplicationFilter(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("campaign"))
    organization = IdFilter(method="filter_org", label=_("organisation"))

    class Meta:
        model = Application
        fields = ["status"]

    def filter_org(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        return _under(qs, value)


class StarRatingFilter(django_filters.FilterSet):
    organization = IdFilter(method="filter_org", label=_("organisation"))

    class Meta:
        model = StarRating
        fields = ["stars"]

    def filter_org(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        return _under(qs, value)
