"""One FilterSet per listed model, shared by the API (the pages filter by month only)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from grassroots.cadence.models import Arrangement, QuarterScore
from grassroots.core.ids import IdFilter


class ArrangementFilter(django_filters.FilterSet):
    month = django_filters.CharFilter(field_name="month", max_length=7, label=_("month"))
    organization = IdFilter(field_name="organization_id", label=_("branch"))

    class Meta:
        model = Arrangement
        fields = ["month", "organization"]


class QuarterScoreFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(field_name="period", max_length=7, label=_("quarter"))
    organization = IdFilter(field_name="organization_id", label=_("branch"))
    band = django_filters.ChoiceFilter(
        field_name="band", choices=QuarterScore._meta.get_field("band").choices, label=_("band")
    )

    class Meta:
        model = QuarterScore
        fields = ["period", "organization", "band"]
