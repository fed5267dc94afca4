"""REST API: `/api/notices/` lists the caller's own notices and marks them read."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.notify import services
from grassroots.notify.filters import NoticeFilter
from grassroots.notify.models import Notice
from grassroots.notify.serializers import NoticeSerializer


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NoticeSerializer
    filterset_class = NoticeFilter

    def get_queryset(self) -> models.QuerySet:
        return Notice.objects.visible_to(self.request.user)

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notice = self.get_object()
        services.notice_mark_read(actor=request.user, notice=notice)
        return Response(NoticeSerializer(notice).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.notices_mark_all_read(actor=request.user)})

    @extend_schema(responses=inline_serializer("Unread", {"unread": serializers.IntegerField()}))
    @action(detail=False, methods=["get"])
    def unread(self, request: Request) -> Response:
        return Response({"unread": services.unread_count(request.user)})


def register(router: Any) -> None:
    """Add this app's viewsets to the project router."""
    router.register("notices", NoticeViewSet, basename="notice")
