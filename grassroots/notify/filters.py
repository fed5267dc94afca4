"""One FilterSet for the inbox page and the notices API."""

from __future__ import annotations

import django_filters
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.notify.models import Notice


class NoticeFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(method="filter_unread", label=_("unread only"))
    kind = django_filters.CharFilter(field_name="kind", lookup_expr="startswith", label=_("kind"))

    class Meta:
        model = Notice
        fields = ["unread", "kind"]

    def filter_unread(self, queryset: models.QuerySet, name: str, value: bool) -> models.QuerySet:
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)
