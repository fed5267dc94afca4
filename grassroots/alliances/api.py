"""The "Party-building+" API: alliances and innovation projects (list, detail, create)."""

from __future__ import annotations

from typing import Any

from grassroots.alliances import filters, services
from grassroots.alliances import serializers as s
from grassroots.alliances.models import Alliance, InnovationProject
from grassroots.core.api import KEPT, ServiceCreateMixin, ServiceViewSet, documented


@documented(s.AllianceSerializer, create=s.AllianceCreateSerializer)
class AllianceViewSet(ServiceCreateMixin, ServiceViewSet):
    __doc__ = (
        "Party-building alliances, village-enterprise joint building and paired joint building, "
        f"with their member organisations and outside units. POST creates an alliance. {KEPT}"
    )

    queryset = Alliance.objects.select_related("lead").prefetch_related("members__organization")
    serializer_class = s.AllianceSerializer
    filterset_class = filters.AllianceFilter
    create_serializer_class = s.AllianceCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Alliance:
        return services.alliance_create(actor=self.request.user, **data)


@documented(s.InnovationProjectSerializer, create=s.InnovationProjectCreateSerializer)
class InnovationProjectViewSet(ServiceCreateMixin, ServiceViewSet):
    __doc__ = (
        "Party-building innovation projects with goals, milestones and progress (the share of "
        f"milestones done, when there are milestones). POST creates a project. {KEPT}"
    )

    queryset = InnovationProject.objects.select_related("organization").prefetch_related(
        "milestones"
    )
    serializer_class = s.InnovationProjectSerializer
    filterset_class = filters.ProjectFilter
    create_serializer_class = s.InnovationProjectCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> InnovationProject:
        return services.project_create(actor=self.request.user, **data)


def register(router: Any) -> None:
    """Add this app's viewsets to the project router."""
    router.register("alliances", AllianceViewSet, basename="alliance")
    router.register("innovation-projects", InnovationProjectViewSet, basename="innovation-project")
