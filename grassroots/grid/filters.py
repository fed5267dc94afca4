"""One FilterSet per listed model, shared by pages, API and export."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core import clock
from grassroots.core.ids import IdFilter
from grassroots.core.personal import lookup_hash, normalize
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.core.widgets import AllYesNoSelect
from grassroots.grid.models import (
    Household,
    Place,
    Representative,
    RepresentativeLink,
    Resident,
    Tag,
    Visit,
)


class PlaceFilter(django_filters.FilterSet):
    parent = IdFilter(method="filter_parent", label=_("parent"))
    kind = django_filters.ChoiceFilter(choices=Place.Kind.choices, label=_("kind"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))

    class Meta:
        model = Place
        fields = ["kind", "code"]

    def filter_parent(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        parent = unscoped(Place, why=Unscoped.SYSTEM).filter(pk=value).only("path", "depth").first()
        if parent is None:
            return qs.none()
        return qs.filter(path__startswith=parent.path, depth=parent.depth + 1)


class VisitStatus:
    NEVER = "never"
    STALE = "stale"
    RECENT = "recent"


class HouseholdFilter(django_filters.FilterSet):
    place = IdFilter(method="filter_place", label=pgettext_lazy("division", "place"))
    q = django_filters.CharFilter(method="filter_q", label=_("search"))
    tag = django_filters.ModelChoiceFilter(
        queryset=Tag.objects.all(), field_name="tags", label=_("tag"), empty_label=_("All")
    )
    representative = IdFilter(field_name="representative_id", label=_("representative"))
    visit = django_filters.ChoiceFilter(
        method="filter_visit",
        choices=[
            (VisitStatus.NEVER, _("never visited")),
            (VisitStatus.STALE, _("not visited in 30 days")),
            (VisitStatus.RECENT, _("visited in 30 days")),
        ],
        empty_label=_("All"),
        label=_("visits"),
    )
    has_active_representative = django_filters.BooleanFilter(
        widget=AllYesNoSelect,
        method="filter_has_active_representative",
        label=_("has an active representative"),
    )

    class Meta:
        model = Household
        fields = ["code"]

    def filter_place(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        place = unscoped(Place, why=Unscoped.SYSTEM).filter(pk=value).only("path").first()
        return qs.filter(place_path__startswith=place.path) if place else qs.none()

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        q = Q(code__icontains=value) | Q(head_name__icontains=value) | Q(address__icontains=value)
        digits = normalize(value)
        if digits.isdigit() and len(digits) >= 7:
            q |= Q(phone_hash=lookup_hash(digits))
        return qs.filter(q)

    def filter_has_active_representative(self, qs: QuerySet, name: str, value: bool) -> QuerySet:
        # `representative` is the active link; a deactivated representative serves nobody.
        served = Q(representative__isnull=False, representative__active=True)
        return qs.filter(served) if value else qs.exclude(served)

    def filter_visit(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        cutoff = clock.now() - dt.timedelta(days=30)
        if value == VisitStatus.NEVER:
            return qs.filter(last_visit_at__isnull=True)
        if value == VisitStatus.STALE:
            return qs.filter(Q(last_visit_at__isnull=True) | Q(last_visit_at__lt=cutoff))
        if value == VisitStatus.RECENT:
            return qs.filter(last_visit_at__gte=cutoff)
        return qs


class ResidentFilter(django_filters.FilterSet):
    household = IdFilter(field_name="household_id")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))

    class Meta:
        model = Resident
        fields = ["relation"]


class RepresentativeFilter(django_filters.FilterSet):
    place = IdFilter(method="filter_place", label=pgettext_lazy("division", "place"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))

    class Meta:
        model = Representative
        fields = ["active"]

    def filter_place(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        place = unscoped(Place, why=Unscoped.SYSTEM).filter(pk=value).only("path").first()
        return qs.filter(place_path__startswith=place.path) if place else qs.none()


class RepresentativeLinkFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(
        widget=AllYesNoSelect, field_name="ended_at", lookup_expr="isnull", label=_("active")
    )

    class Meta:
        model = RepresentativeLink
        fields = ["household", "representative"]


class VisitFilter(django_filters.FilterSet):
    since = django_filters.IsoDateTimeFilter(field_name="visited_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="visited_at", lookup_expr="lt")

    class Meta:
        model = Visit
        fields = ["household", "representative", "mode"]
