"""REST API of the grid: places, households, residents, representatives, links, visits.

Viewsets are thin: querysets come from `visible_to(request.user)` (via
ScopedViewSetMixin), writes validate shape with a serializer and call a
grid.services function. The base classes live in core/api.py.
"""

from __future__ import annotations

from typing import Any

from grassroots.core.api import (
    KEPT,
    RevealMixin,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
    documented,
)
from grassroots.grid import filters, services
from grassroots.grid import serializers as s
from grassroots.grid.models import (
    Household,
    Place,
    Representative,
    RepresentativeLink,
    Resident,
    Visit,
)


@documented(s.PlaceSerializer, create=s.PlaceCreateSerializer)
class PlaceViewSet(ServiceCreateMixin, ServiceViewSet):
    __doc__ = f"Places of the grid (town, village/community, villager group). {KEPT}"

    queryset = Place.objects.order_by("path")
    serializer_class = s.PlaceSerializer
    filterset_class = filters.PlaceFilter
    create_serializer_class = s.PlaceCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Place:
        return services.place_create(
            actor=self.request.user,
            parent=data["parent"],
            kind=data["kind"],
            name=data["name"],
            code=data["code"] or None,
        )


@documented(s.HouseholdSerializer, create=s.HouseholdCreateSerializer, update=s.HouseholdUpdateSerializer)  # fmt: skip
class HouseholdViewSet(RevealMixin, ServiceUpdateMixin, ServiceCreateMixin, ServiceViewSet):
    __doc__ = (
        "Households; `phone` is masked (use reveal). "
        "`?has_active_representative=false` lists households nobody serves. " + KEPT
    )

    queryset = Household.objects.select_related("place", "representative").prefetch_related("tags")
    serializer_class = s.HouseholdSerializer
    filterset_class = filters.HouseholdFilter
    create_serializer_class = s.HouseholdCreateSerializer
    update_serializer_class = s.HouseholdUpdateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Household:
        return services.household_create(
            actor=self.request.user,
            group=data.pop("place"),
            **data,
        )

    def perform_service_update(self, obj: Household, data: dict[str, Any]) -> Household:
        return services.household_update(actor=self.request.user, household=obj, **data)


@documented(s.ResidentSerializer, create=s.ResidentCreateSerializer)
class ResidentViewSet(RevealMixin, ServiceCreateMixin, ServiceViewSet):
    __doc__ = f"Residents of households; `phone` and `id_number` are masked. {KEPT}"

    revealable = ("phone", "id_number")
    queryset = Resident.objects.prefetch_related("tags")
    serializer_class = s.ResidentSerializer
    filterset_class = filters.ResidentFilter
    create_serializer_class = s.ResidentCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Resident:
        return services.resident_create(actor=self.request.user, **data)


@documented(s.RepresentativeSerializer, create=s.RepresentativeCreateSerializer)
class RepresentativeViewSet(RevealMixin, ServiceCreateMixin, ServiceViewSet):
    __doc__ = f"Village (resident) representatives; `phone` is masked. {KEPT}"

    queryset = Representative.objects.select_related("place")
    serializer_class = s.RepresentativeSerializer
    filterset_class = filters.RepresentativeFilter
    create_serializer_class = s.RepresentativeCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Representative:
        return services.representative_create(
            actor=self.request.user,
            village=data["place"],
            name=data["name"],
            phone=data["phone"],
        )


@documented(s.RepresentativeLinkSerializer, create=s.RepresentativeLinkCreateSerializer)
class RepresentativeLinkViewSet(ServiceCreateMixin, ServiceViewSet):
    __doc__ = (
        "Which representative served a household when. POST makes a representative the "
        "household's one active representative and closes the previous link (history kept). " + KEPT
    )

    queryset = RepresentativeLink.objects.select_related("household", "representative")
    serializer_class = s.RepresentativeLinkSerializer
    filterset_class = filters.RepresentativeLinkFilter
    create_serializer_class = s.RepresentativeLinkCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> RepresentativeLink:
        return services.link_representative(actor=self.request.user, **data)


@documented(s.VisitSerializer, create=s.VisitCreateSerializer)
class VisitViewSet(ServiceCreateMixin, ServiceViewSet):
    __doc__ = f"Representatives' visits to households. POST logs a visit. {KEPT}"

    queryset = Visit.objects.select_related("household", "representative")
    serializer_class = s.VisitSerializer
    filterset_class = filters.VisitFilter
    create_serializer_class = s.VisitCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Visit:
        household = data.pop("household")
        return services.visit_log(actor=self.request.user, household=household, **data)


def register(router: Any) -> None:
    """Add this app's viewsets to the project router."""
    router.register("places", PlaceViewSet, basename="place")
    router.register("households", HouseholdViewSet, basename="household")
    router.register("residents", ResidentViewSet, basename="resident")
    router.register("representatives", RepresentativeViewSet, basename="representative")
    router.register(
        "representative-links", RepresentativeLinkViewSet, basename="representative-link"
    )
    router.register("visits", VisitViewSet, basename="visit")
