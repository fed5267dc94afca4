"""The trainings API of the programmes part: programmes (with their measures), venues,
sessions, enrolments (added and excused through the services) and attendance (read)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.core.api import (
    KEPT,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
    documented,
    service_errors,
)
from grassroots.trainings import filters, measures
from grassroots.trainings import serializers as s
from grassroots.trainings.models import Attendance, Enrolment, Programme, Session, Venue
from grassroots.trainings.services import enrolment, layout, programmes


@documented(
    s.TrainingProgrammeSerializer,
    create=s.TrainingProgrammeCreateSerializer,
    update=s.TrainingProgrammeUpdateSerializer,
)
class TrainingProgrammeViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceViewSet):
    __doc__ = (
        "Training programmes (the winter–spring training, secretaries' training, lecture "
        "series, villagers' skills courses), their audience and layout. POST actions open, "
        "close, lay out sessions from the layout and enrol the audience. " + KEPT
    )

    queryset = Programme.objects.select_related("organization").prefetch_related(
        "branches", "villages"
    )
    serializer_class = s.TrainingProgrammeSerializer
    filterset_class = filters.ProgrammeFilter
    create_serializer_class = s.TrainingProgrammeCreateSerializer
    update_serializer_class = s.TrainingProgrammeUpdateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Programme:
        return programmes.programme_create(actor=self.request.user, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Programme:
        return programmes.programme_update(actor=self.request.user, programme=obj, **data)

    def _act(self, fn: Any) -> Response:
        programme = self.get_object()
        with service_errors():
            fn(actor=self.request.user, programme=programme)
        programme.refresh_from_db()
        return Response(self.get_serializer(programme).data)

    @extend_schema(request=None, responses={200: s.TrainingProgrammeSerializer})
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk: str | None = None) -> Response:
        return self._act(programmes.programme_open)

    @extend_schema(request=None, responses={200: s.TrainingProgrammeSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._act(programmes.programme_close)

    @extend_schema(request=None, responses={200: s.TrainingProgrammeSerializer})
    @action(detail=True, methods=["post"], url_path="lay-out", url_name="lay-out")
    def lay_out(self, request: Request, pk: str | None = None) -> Response:
        return self._act(layout.lay_out)

    @extend_schema(request=None, responses={200: s.TrainingProgrammeSerializer})
    @action(detail=True, methods=["post"])
    def enrol(self, request: Request, pk: str | None = None) -> Response:
        return self._act(enrolment.enrol_audience)

    @extend_schema(request=None, responses={200: s.TrainingMeasuresSerializer})
    @action(detail=True, methods=["get"])
    def measures(self, request: Request, pk: str | None = None) -> Response:
        programme = self.get_object()
        body = {
            by + "es" if by == "branch" else by + "s": [
                {**vars(r), "rate": r.rate, "coverage": r.coverage}
                for r in measures.programme_rows(request.user, programme, by)
            ]
            for by in ("branch", "village")
        }
        return Response(s.TrainingMeasuresSerializer(body).data)


@documented(s.TrainingVenueSerializer, create=s.TrainingVenueCreateSerializer)
class TrainingVenueViewSet(ServiceCreateMixin, ServiceViewSet):
    __doc__ = "Venues of training programmes: the main venue and the sub-venues. " + KEPT

    queryset = Venue.objects.select_related("place")
    serializer_class = s.TrainingVenueSerializer
    filterset_class = filters.VenueFilter
    create_serializer_class = s.TrainingVenueCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Venue:
        return programmes.venue_create(actor=self.request.user, **data)


@documented(
    s.TrainingSessionSerializer,
    create=s.TrainingSessionCreateSerializer,
    update=s.TrainingSessionUpdateSerializer,
)
class TrainingSessionViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceViewSet):
    __doc__ = (
        "Training sessions: date and time, mode, hours credited, lecturer, topic, venues, the "
        "online material. POST `cancel` cancels one without attendance. " + KEPT
    )

    queryset = Session.objects.prefetch_related("venues")
    serializer_class = s.TrainingSessionSerializer
    filterset_class = filters.SessionFilter
    create_serializer_class = s.TrainingSessionCreateSerializer
    update_serializer_class = s.TrainingSessionUpdateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Session:
        return programmes.session_create(actor=self.request.user, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Session:
        return programmes.session_update(actor=self.request.user, session=obj, **data)

    @extend_schema(request=None, responses={200: s.TrainingSessionSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        with service_errors():
            programmes.session_cancel(actor=request.user, session=session)
        return Response(self.get_serializer(session).data)


@documented(s.TrainingEnrolmentSerializer, create=s.TrainingEnrolmentCreateSerializer)
class TrainingEnrolmentViewSet(ServiceCreateMixin, ServiceViewSet):
    __doc__ = (
        "Who is enrolled in a programme (members, or residents for skills courses). POST adds "
        "a person by hand; `excuse` (with a reason) and `reinstate` change their status. " + KEPT
    )

    queryset = Enrolment.objects.select_related("branch", "village")
    serializer_class = s.TrainingEnrolmentSerializer
    filterset_class = filters.EnrolmentFilter
    create_serializer_class = s.TrainingEnrolmentCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Enrolment:
        return enrolment.enrolment_add(actor=self.request.user, **data)

    @extend_schema(
        request=s.TrainingExcuseSerializer, responses={200: s.TrainingEnrolmentSerializer}
    )
    @action(detail=True, methods=["post"])
    def excuse(self, request: Request, pk: str | None = None) -> Response:
        row = self.get_object()
        body = s.TrainingExcuseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            enrolment.enrolment_excuse(
                actor=request.user, enrolment=row, reason=body.validated_data["reason"]
            )
        return Response(self.get_serializer(row).data)

    @extend_schema(request=None, responses={200: s.TrainingEnrolmentSerializer})
    @action(detail=True, methods=["post"])
    def reinstate(self, request: Request, pk: str | None = None) -> Response:
        row = self.get_object()
        with service_errors():
            enrolment.enrolment_reinstate(actor=request.user, enrolment=row)
        return Response(self.get_serializer(row).data, status=status.HTTP_200_OK)


class TrainingAttendanceViewSet(ServiceViewSet):
    __doc__ = (
        "Attendance at training sessions (read-only: check-in, make-up and lessons taken home "
        "record it). " + KEPT
    )

    queryset = Attendance.objects.select_related("enrolment")
    serializer_class = s.TrainingAttendanceSerializer
    filterset_class = filters.AttendanceFilter


def register(router: Any) -> None:
    router.register("training-programmes", TrainingProgrammeViewSet, basename="training-programme")
    router.register("training-venues", TrainingVenueViewSet, basename="training-venue")
    router.register("training-sessions", TrainingSessionViewSet, basename="training-session")
    router.register("training-enrolments", TrainingEnrolmentViewSet, basename="training-enrolment")
    router.register(
        "training-attendances", TrainingAttendanceViewSet, basename="training-attendance"
    )
