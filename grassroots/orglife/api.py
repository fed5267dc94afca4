"""The meetings API: list, detail and record (through `orglife.services`), filtered alike."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.core.api import KEPT, ServiceViewSet, documented, service_errors
from grassroots.orglife import filters, services
from grassroots.orglife import serializers as s
from grassroots.orglife.models import Meeting


@documented(s.MeetingSerializer, create=s.MeetingCreateSerializer)
class MeetingViewSet(ServiceViewSet):
    __doc__ = (
        "Organisational-life records (the three meetings and one lecture, themed Party days, "
        "life meetings, member appraisals, heart-to-heart talks) with attendance. "
        f"POST records a meeting (the file is added on the page). {KEPT}"
    )

    queryset = Meeting.objects.select_related("organization").prefetch_related("attendance__member")
    serializer_class = s.MeetingSerializer
    filterset_class = filters.MeetingFilter

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.MeetingCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            meeting = services.meeting_record(actor=request.user, **body.to_service())
        return Response(self.get_serializer(meeting).data, status=status.HTTP_201_CREATED)


def register(router: Any) -> None:
    """Add this app's viewsets to the project router."""
    router.register("meetings", MeetingViewSet, basename="meeting")
