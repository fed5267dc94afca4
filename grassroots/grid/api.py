"""REST API of the grid: places, households, residents, representatives, links, visits.

Viewsets are thin: querysets come from `visible_to(request.user)` (via
ScopedViewSetMixin), writes validate shape with a serializer and call a
grid.services function. The base classes here are reused by party/api.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.core import services as core_services
from grassroots.core.api import ScopedViewSetMixin
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

KEPT = (
    "Records are kept for the history: the API offers no DELETE. "
    "Lists and details only ever contain records inside the caller's scope; "
    "an id outside it answers 404."
)


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn a service's django ValidationError into a 400 carrying its message.

    PermissionDenied (403) and Http404 (404) are already mapped by DRF.
    """
    try:
        yield
    except DjangoValidationError as exc:
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        raise serializers.ValidationError(detail) from exc


class ServiceViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # fmt: skip
    """List and detail, scoped; subclasses add create/update/reveal mixins."""


class ServiceCreateMixin:
    """POST validates with `create_serializer_class`, then `perform_service_create`."""

    create_serializer_class: type[serializers.Serializer]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.create_serializer_class(
            data=request.data, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        with service_errors():
            obj = self.perform_service_create(dict(data.validated_data))
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def perform_service_create(self, data: dict[str, Any]) -> models.Model:  # pragma: no cover
        raise NotImplementedError


class ServiceUpdateMixin:
    """PATCH: fetch in scope (404 otherwise), validate, `perform_service_update`.

    Only partial updates exist: a PUT would have to restate every field.
    """

    update_serializer_class: type[serializers.Serializer]

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        data = self.update_serializer_class(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        with service_errors():
            obj = self.perform_service_update(obj, dict(data.validated_data))
        return Response(self.get_serializer(obj).data)

    def perform_service_update(
        self, obj: models.Model, data: dict[str, Any]
    ) -> models.Model:  # pragma: no cover
        raise NotImplementedError


class RevealMixin:
    """`POST {id}/reveal/` returns one personal field in clear, audited by core.services."""

    revealable: tuple[str, ...] = ("phone",)

    @extend_schema(
        request=s.RevealSerializer,
        responses={200: s.RevealResultSerializer},
        description=(
            "Reveal one personal field in clear. Needs a reason; the reveal is audited. "
            "404 outside the caller's scope, 403 without the reveal capability."
        ),
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        body = s.RevealSerializer(data=request.data, fields_allowed=self.revealable)
        body.is_valid(raise_exception=True)
        field = body.validated_data["field"]
        value = core_services.reveal(
            actor=request.user, obj=obj, field=field, reason=body.validated_data["reason"]
        )
        return Response({"field": field, "value": value})


def documented(
    read: type[serializers.Serializer],
    create: type[serializers.Serializer] | None = None,
    update: type[serializers.Serializer] | None = None,
) -> Any:
    """Tell the schema which serializer each write takes and what it returns."""
    views: dict[str, Any] = {}
    if create is not None:
        views["create"] = extend_schema(request=create, responses={201: read})
    if update is not None:
        views["partial_update"] = extend_schema(request=update, responses={200: read})
    return extend_schema_view(**views)


# --- viewsets ------------------------------------------------------------------


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
