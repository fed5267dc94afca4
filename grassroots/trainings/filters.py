"""One FilterSet per listed model of trainings, shared by pages, API and exports."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.ids import IdModelChoiceFilter
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.party.models import Organization
from grassroots.trainings.models import Attendance, Enrolment, Kind, Mode, Programme, Session, Venue


def _visible(model: type, request: Any) -> QuerySet:
    if request is None:
        return unscoped(model, why=Unscoped.SYSTEM).none()
    return model.objects.visible_to(request.user)  # type: ignore[attr-defined]


def _programmes(request: Any) -> QuerySet:
    return _visible(Programme, request)


def _sessions(request: Any) -> QuerySet:
    return _visible(Session, request)


def _branches(request: Any) -> QuerySet:
    return _visible(Organization, request).filter(kind=Organization.Kind.BRANCH).order_by("path")


class ProgrammeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=Kind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    year = django_filters.NumberFilter(
        method="in_year", label=_("Year"), min_value=2000, max_value=2100
    )
    status = django_filters.ChoiceFilter(
        choices=Programme.Status.choices, label=_("Status"), empty_label=_("Any status")
    )

    class Meta:
        model = Programme
        fields = ["kind", "year", "status"]

    def in_year(self, qs: QuerySet, name: str, value: Any) -> QuerySet:
        return qs.filter(starts_on__year__lte=value, ends_on__year__gte=value)


class SessionFilter(django_filters.FilterSet):
    programme = IdModelChoiceFilter(queryset=_programmes, label=_("Programme"))
    mode = django_filters.ChoiceFilter(
        choices=Mode.choices, label=_("Mode"), empty_label=_("Any mode")
    )
    after = django_filters.DateFilter(field_name="on", lookup_expr="gte", label=_("From"))
    before = django_filters.DateFilter(field_name="on", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = Session
        fields = ["programme", "mode", "after", "before"]


class VenueFilter(django_filters.FilterSet):
    programme = IdModelChoiceFilter(queryset=_programmes, label=_("Programme"))

    class Meta:
        model = Venue
        fields = ["programme"]


class EnrolmentFilter(django_filters.FilterSet):
    programme = IdModelChoiceFilter(queryset=_programmes, label=_("Programme"))
    branch = IdModelChoiceFilter(
        queryset=_branches, label=_("Branch"), empty_label=_("All branches")
    )
    status = django_filters.ChoiceFilter(
        choices=Enrolment.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    q = django_filters.CharFilter(method="named", label=_("Name"), max_length=50)

    class Meta:
        model = Enrolment
        fields = ["programme", "branch", "status", "q"]

    def named(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(name__contains=value.strip())) if value.strip() else qs


class AttendanceFilter(django_filters.FilterSet):
    programme = IdModelChoiceFilter(
        queryset=_programmes, field_name="session__programme", label=_("Programme")
    )
    session = IdModelChoiceFilter(queryset=_sessions, label=_("Session"))
    branch = IdModelChoiceFilter(queryset=_branches, label=_("Branch"))
    method = django_filters.ChoiceFilter(
        choices=Attendance.Method.choices, label=pgettext_lazy("trainings", "How")
    )
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)

    class Meta:
        model = Attendance
        fields = ["programme", "session", "branch", "method", "year"]
