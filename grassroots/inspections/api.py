"""REST API of inspections and the model-branch campaign.

Scoped querysets (`ServiceViewSet`), shape-only serializers, every write through
inspections.services. An id out of the caller's reach answers 404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.serializers import Serializer

from grassroots.core.api import (
    KEPT,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
    documented,
    service_errors,
)
from grassroots.inspections import filters, services
from grassroots.inspections import serializers as s
from grassroots.inspections.models import (
    Application,
    Campaign,
    IndicatorSet,
    Inspection,
    InspectionPlan,
    StarRating,
)


class _Actions:
    """A POST on one object: validate a body, call a service, answer the object."""

    get_object: Any
    get_serializer: Any
    request: Any

    def _act(self, body: type[Serializer] | None, call: Any) -> Response:
        obj = self.get_object()
        data: dict[str, Any] = {}
        if body is not None:
            parsed = body(data=self.request.data)
            parsed.is_valid(raise_exception=True)
            data = dict(parsed.validated_data)
        with service_errors():
            obj = call(obj, data)
        return Response(self.get_serializer(obj).data)


@documented(
    s.IndicatorSetSerializer,
    create=s.IndicatorSetCreateSerializer,
    update=s.IndicatorSetUpdateSerializer,
)
class IndicatorSetViewSet(_Actions, ServiceUpdateMixin, ServiceCreateMixin, ServiceViewSet):
    __doc__ = (
        "Versioned indicator sets (weights out of 100). A draft may change; `activate` needs "
        f"weights summing to exactly 100; `revise` makes a new draft version. {KEPT}"
    )

    queryset = IndicatorSet.objects.select_related("owner").prefetch_related("indicators")
    serializer_class = s.IndicatorSetSerializer
    filterset_class = filters.IndicatorSetFilter
    create_serializer_class = s.IndicatorSetCreateSerializer
    update_serializer_class = s.IndicatorSetUpdateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> IndicatorSet:
        return services.indicator_set_create(actor=self.request.user, **data)

    def perform_service_update(self, obj: IndicatorSet, data: dict[str, Any]) -> IndicatorSet:
        return services.indicator_set_update(actor=self.request.user, indicator_set=obj, **data)

    @extend_schema(request=None, responses={200: s.IndicatorSetSerializer})
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        return self._act(
            None, lambda o, d: services.indicator_set_activate(actor=request.user, indicator_set=o)
        )

    @extend_schema(request=None, responses={200: s.IndicatorSetSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str | None = None) -> Response:
        return self._act(
            None, lambda o, d: services.indicator_set_revise(actor=request.user, indicator_set=o)
        )


@documented(s.PlanSerializer, create=s.PlanCreateSerializer)
class PlanViewSet(_Actions, ServiceCreateMixin, ServiceViewSet):
    __doc__ = (
        "Inspection plans. `draw` draws the random sample of branches once; the seed "
        f"(given, or chosen by the server) is stored so the draw can be repeated. {KEPT}"
    )

    queryset = InspectionPlan.objects.prefetch_related("samples")
    serializer_class = s.PlanSerializer
    filterset_class = filters.PlanFilter
    create_serializer_class = s.PlanCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> InspectionPlan:
        return services.plan_create(actor=self.request.user, **data)

    @extend_schema(request=s.DrawSerializer, responses={200: s.PlanSerializer})
    @action(detail=True, methods=["post"])
    def draw(self, request: Request, pk: str | None = None) -> Response:
        def call(plan: InspectionPlan, data: dict[str, Any]) -> InspectionPlan:
            services.plan_draw_sample(actor=request.user, plan=plan, **data)
            return InspectionPlan.objects.visible_to(request.user).get(pk=plan.pk)

        return self._act(s.DrawSerializer, call)


@documented(
    s.InspectionSerializer, create=s.InspectionCreateSerializer, update=s.InspectionUpdateSerializer
)
class InspectionViewSet(_Actions, ServiceUpdateMixin, ServiceCreateMixin, ServiceViewSet):
    __doc__ = (
        "Inspections of branches with their findings (one per indicator). POST starts one "
        "(optionally with `findings`); PATCH scores a draft; `submit`, then the branch "
        f"secretary's `acknowledge`; `rectify` turns flagged findings into rectification items. {KEPT}"
    )

    queryset = Inspection.objects.select_related("organization").prefetch_related(
        "findings__indicator", "inspectors"
    )
    serializer_class = s.InspectionSerializer
    filterset_class = filters.InspectionFilter
    create_serializer_class = s.InspectionCreateSerializer
    update_serializer_class = s.InspectionUpdateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Inspection:
        findings = data.pop("findings", None)
        with transaction.atomic():  # a bad score leaves no half-made inspection behind
            inspection = services.inspection_start(actor=self.request.user, **data)
            if findings:
                inspection = services.inspection_score(
                    actor=self.request.user, inspection=inspection, findings=findings
                )
        return inspection

    def perform_service_update(self, obj: Inspection, data: dict[str, Any]) -> Inspection:
        return services.inspection_score(actor=self.request.user, inspection=obj, **data)

    @extend_schema(request=None, responses={200: s.InspectionSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._act(
            None, lambda o, d: services.inspection_submit(actor=request.user, inspection=o)
        )

    @extend_schema(request=s.NoteSerializer, responses={200: s.InspectionSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        return self._act(
            s.NoteSerializer,
            lambda o, d: services.inspection_acknowledge(actor=request.user, inspection=o, **d),
        )

    @extend_schema(request=s.RectifySerializer, responses={200: s.InspectionSerializer})
    @action(detail=True, methods=["post"])
    def rectify(self, request: Request, pk: str | None = None) -> Response:
        def call(inspection: Inspection, data: dict[str, Any]) -> Inspection:
            services.findings_to_rectification(actor=request.user, inspection=inspection, **data)
            return self.get_object()

        return self._act(s.RectifySerializer, call)


@documented(s.CampaignSerializer, create=s.CampaignCreateSerializer)
class CampaignViewSet(ServiceCreateMixin, ServiceViewSet):
    __doc__ = f"Model-branch campaigns (示范创优) with their criteria set. {KEPT}"

    queryset = Campaign.objects.all()
    serializer_class = s.CampaignSerializer
    filterset_class = filters.CampaignFilter
    create_serializer_class = s.CampaignCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Campaign:
        return services.campaign_create(actor=self.request.user, **data)


@documented(s.ApplicationSerializer, create=s.ApplicationCreateSerializer)
class ApplicationViewSet(_Actions, ServiceCreateMixin, ServiceViewSet):
    __doc__ = (
        "Branches' applications to a campaign: `review`, `publish` (starts the public notice), "
        f"`object` (an objection during the notice), `decide` (award stars or not). {KEPT}"
    )

    queryset = Application.objects.select_related("organization").prefetch_related(
        "scores__indicator"
    )
    serializer_class = s.ApplicationSerializer
    filterset_class = filters.ApplicationFilter
    create_serializer_class = s.ApplicationCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Application:
        return services.application_submit(actor=self.request.user, **data)

    @extend_schema(request=s.ReviewSerializer, responses={200: s.ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        return self._act(
            s.ReviewSerializer,
            lambda o, d: services.application_review(actor=request.user, application=o, **d),
        )

    @extend_schema(request=None, responses={200: s.ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self._act(
            None, lambda o, d: services.application_publish(actor=request.user, application=o)
        )

    @extend_schema(request=s.ObjectionSerializer, responses={200: s.ApplicationSerializer})
    @action(detail=True, methods=["post"], url_path="object", url_name="object")
    def object_(self, request: Request, pk: str | None = None) -> Response:
        return self._act(
            s.ObjectionSerializer,
            lambda o, d: services.application_object(actor=request.user, application=o, **d),
        )

    @extend_schema(request=s.DecisionSerializer, responses={200: s.ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        return self._act(
            s.DecisionSerializer,
            lambda o, d: services.application_decide(actor=request.user, application=o, **d),
        )


@documented(s.StarRatingSerializer, create=s.StarRatingCreateSerializer)
class StarRatingViewSet(ServiceCreateMixin, ServiceViewSet):
    __doc__ = (
        "Star-rating history per branch (the latest row is the current rating; a downgrade "
        f"is a new row with its reason). {KEPT}"
    )

    queryset = StarRating.objects.select_related("organization")
    serializer_class = s.StarRatingSerializer
    filterset_class = filters.StarRatingFilter
    create_serializer_class = s.StarRatingCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> StarRating:
        return services.star_rating_record(actor=self.request.user, **data)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the project router."""
    router.register("indicator-sets", IndicatorSetViewSet, basename="indicator-set")
    router.register("inspection-plans", PlanViewSet, basename="inspection-plan")
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("campaign-applications", ApplicationViewSet, basename="campaign-application")
    router.register("star-ratings", StarRatingViewSet, basename="star-rating")
