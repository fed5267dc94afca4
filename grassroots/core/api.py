"""Shared API plumbing: scoped viewsets."""

from __future__ import annotations

from typing import Any

from rest_framework import viewsets


class ScopedViewSetMixin:
    """Every queryset a viewset serves comes from `visible_to(request.user)`."""

    queryset: Any

    def get_queryset(self) -> Any:
        return self.queryset.visible_to(self.request.user)


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass
