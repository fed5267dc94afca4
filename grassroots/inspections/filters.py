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


# Labels are given lazily: django-filter would translate a model field's name once, at import.


class IndicatorSetFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))
    purpose = django_filters.ChoiceFilter(choices=IndicatorSet.Purpose.choices, label=_("purpose"))
    status = django_filters.ChoiceFilter(choices=IndicatorSet.Status.choices, label=_("status"))

    class Meta:
        model = IndicatorSet
        fields: list[str] = []


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
    status = django_filters.ChoiceFilter(choices=Inspection.Status.choices, label=_("status"))

    class Meta:
        model = Inspection
        fields: list[str] = []

    def filter_org(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        return _under(qs, value)


class CampaignFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Campaign.Status.choices, label=_("status"))

    class Meta:
        model = Campaign
        fields: list[str] = []


class ApplicationFilter(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("campaign"))
    organization = IdFilter(method="filter_org", label=_("organisation"))
    status = django_filters.ChoiceFilter(choices=Application.Status.choices, label=_("status"))

    class Meta:
        model = Application
        fields: list[str] = []

    def filter_org(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        return _under(qs, value)


class StarRatingFilter(django_filters.FilterSet):
    organization = IdFilter(method="filter_org", label=_("organisation"))
    stars = django_filters.ChoiceFilter(choices=[(n, n) for n in range(1, 6)], label=_("stars"))

    class Meta:
        model = StarRating
        fields: list[str] = []

    def filter_org(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        return _under(qs, value)
