"""REST API of the Party tree: organisations, members, instructors, guidance.

Same plumbing as grid/api.py: scoped querysets, shape-only serializers, writes
through party.services.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.core.api import (
    KEPT,
    RevealMixin,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
    documented,
    service_errors,
)
from grassroots.party import filters, services
from grassroots.party import serializers as s
from grassroots.party.models import (
    GuidanceAssignment,
    GuidanceVisit,
    Instructor,
    Member,
    Organization,
)


@documented(s.OrganizationSerializer, create=s.OrganizationCreateSerializer)
class OrganizationViewSet(ServiceCreateMixin, ServiceViewSet):
    __doc__ = f"Party organisations (committee, general branch, branch, group). {KEPT}"

    queryset = Organization.objects.order_by("path")
    serializer_class = s.OrganizationSerializer
    filterset_class = filters.OrganizationFilter
    create_serializer_class = s.OrganizationCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Organization:
        return services.organization_create(actor=self.request.user, **data)


@documented(s.MemberSerializer, create=s.MemberCreateSerializer, update=s.MemberUpdateSerializer)
class MemberViewSet(RevealMixin, ServiceUpdateMixin, ServiceCreateMixin, ServiceViewSet):
    __doc__ = f"Party members; `phone` and `id_number` are masked (use reveal). {KEPT}"

    revealable = ("phone", "id_number")
    queryset = Member.objects.select_related("organization")
    serializer_class = s.MemberSerializer
    filterset_class = filters.MemberFilter
    create_serializer_class = s.MemberCreateSerializer
    update_serializer_class = s.MemberUpdateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Member:
        return services.member_create(actor=self.request.user, **data)

    def perform_service_update(self, obj: Member, data: dict[str, Any]) -> Member:
        return services.member_update(actor=self.request.user, member=obj, **data)


@documented(s.InstructorSerializer, create=s.InstructorCreateSerializer)
class InstructorViewSet(RevealMixin, ServiceCreateMixin, ServiceViewSet):
    __doc__ = (
        "Party-building instructors and contact leaders; `phone` is masked. "
        "Visible: yourself, and those assigned to organisations in your scope. " + KEPT
    )

    queryset = Instructor.objects.order_by("kind", "name")
    serializer_class = s.InstructorSerializer
    filterset_class = filters.InstructorFilter
    create_serializer_class = s.InstructorCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Instructor:
        return services.instructor_create(actor=self.request.user, **data)


@documented(s.GuidanceAssignmentSerializer, create=s.GuidanceAssignmentCreateSerializer)
class GuidanceAssignmentViewSet(ServiceCreateMixin, ServiceViewSet):
    __doc__ = (
        "Instructor assignments to branches, with history. POST assigns; "
        "`POST {id}/end/` ends an assignment. " + KEPT
    )

    queryset = GuidanceAssignment.objects.select_related("instructor", "organization")
    serializer_class = s.GuidanceAssignmentSerializer
    filterset_class = filters.GuidanceAssignmentFilter
    create_serializer_class = s.GuidanceAssignmentCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> GuidanceAssignment:
        return services.instructor_assign(
            actor=self.request.user,
            instructor=data["instructor"],
            organization=data["organization"],
            on=data["started_on"],
        )

    @extend_schema(
        request=s.GuidanceAssignmentEndSerializer,
        responses={200: s.GuidanceAssignmentSerializer},
        description="End an assignment (kept in the history).",
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        body = s.GuidanceAssignmentEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            assignment = services.instructor_unassign(
                actor=request.user, assignment=assignment, on=body.validated_data["ended_on"]
            )
        return Response(self.get_serializer(assignment).data)


@documented(s.GuidanceVisitSerializer, create=s.GuidanceVisitCreateSerializer)
class GuidanceVisitViewSet(ServiceCreateMixin, ServiceViewSet):
    __doc__ = f"Instructors' guidance visits to branches. POST logs a visit. {KEPT}"

    queryset = GuidanceVisit.objects.select_related("instructor", "organization")
    serializer_class = s.GuidanceVisitSerializer
    filterset_class = filters.GuidanceVisitFilter
    create_serializer_class = s.GuidanceVisitCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> GuidanceVisit:
        return services.guidance_visit_log(actor=self.request.user, **data)


def register(router: Any) -> None:
    """Add this app's viewsets to the project router."""
    router.register("organizations", OrganizationViewSet, basename="organization")
    router.register("members", MemberViewSet, basename="member")
    router.register("instructors", InstructorViewSet, basename="instructor")
    router.register(
        "guidance-assignments", GuidanceAssignmentViewSet, basename="guidance-assignment"
    )
    router.register("guidance-visits", GuidanceVisitViewSet, basename="guidance-visit")
