"""REST API of the duties app: plans, items (with versions), assignments, board figures.

Scoped like everything else (an id out of reach answers 404); every write goes
through duties.services, whose field-keyed errors answer 400.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.core import clock
from grassroots.core.api import (
    KEPT,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
    documented,
    service_errors,
)
from grassroots.duties import filters, services
from grassroots.duties import serializers as s
from grassroots.duties.models import Assignment, BranchFigure, Item, Plan


@documented(s.PlanSerializer, create=s.PlanCreateSerializer)
class DutyPlanViewSet(ServiceCreateMixin, ServiceViewSet):
    __doc__ = (
        "Duty plans of a Party committee. POST creates a draft; `publish` checks that the "
        f"active items' weights add up to 100; `close` ends it. {KEPT}"
    )

    queryset = Plan.objects.order_by("-starts_on", "pk")
    serializer_class = s.PlanSerializer
    filterset_class = filters.PlanFilter
    create_serializer_class = s.PlanCreateSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Plan:
        return services.plan_create(actor=self.request.user, **data)

    def _move(self, move: Any) -> Response:
        plan = self.get_object()
        with service_errors():
            plan = move(actor=self.request.user, plan=plan)
        return Response(self.get_serializer(plan).data)

    @extend_schema(request=None, responses={200: s.PlanSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        response = self._move(services.plan_publish)
        # As on the page: the current periods' duties go to the branches at once.
        town = response.data.get("town")
        services.generate(actor=request.user, on=clock.today(), towns=[town] if town else None)
        return response

    @extend_schema(request=None, responses={200: s.PlanSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._move(services.plan_close)


@documented(s.ItemSerializer, create=s.ItemCreateSerializer, update=s.ItemWriteSerializer)
class DutyItemViewSet(ServiceUpdateMixin, ServiceCreateMixin, ServiceViewSet):
    __doc__ = (
        "Duty items with their versions. PATCH writes a new version (past periods keep "
        f"theirs); `retire` stops new duties from the item. {KEPT}"
    )

    queryset = (
        Item.objects.select_related("current")
        .prefetch_related("versions__targets", "current__targets")
        .order_by("plan_id", "position", "pk")
    )
    serializer_class = s.ItemSerializer
    filterset_class = filters.ItemFilter
    create_serializer_class = s.ItemCreateSerializer
    update_serializer_class = s.ItemWriteSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Item:
        return services.item_add(actor=self.request.user, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Item:
        return services.item_change(actor=self.request.user, item=obj, **data)

    @extend_schema(request=None, responses={200: s.ItemSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        with service_errors():
            item = services.item_retire(actor=request.user, item=item)
        return Response(self.get_serializer(item).data)


class DutyAssignmentViewSet(ServiceViewSet):
    __doc__ = (
        "Each branch's duties per period. Filter by `branch`, `period`, `status`, `cadence`, "
        "`open`. `complete` (note, optional file; multipart for a file), `review` (approve, "
        f"reason to return), `toggle-step`, `reopen`. {KEPT}"
    )

    queryset = Assignment.objects.select_related("version").order_by("due_on", "pk")
    serializer_class = s.AssignmentSerializer
    filterset_class = filters.AssignmentFilter

    def _answer(self, assignment: Assignment) -> Response:
        return Response(self.get_serializer(assignment).data)

    @extend_schema(request=s.CompleteSerializer, responses={200: s.AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        body = s.CompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            assignment = services.assignment_complete(
                actor=request.user, assignment=assignment, **body.validated_data
            )
        return self._answer(assignment)

    @extend_schema(request=s.ReviewSerializer, responses={200: s.AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        body = s.ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            assignment = services.assignment_review(
                actor=request.user, assignment=assignment, **body.validated_data
            )
        return self._answer(assignment)

    @extend_schema(request=s.StepSerializer, responses={200: s.AssignmentSerializer})
    @action(detail=True, methods=["post"], url_path="toggle-step", url_name="toggle-step")
    def toggle_step(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        body = s.StepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            assignment = services.step_toggle(
                actor=request.user, assignment=assignment, index=body.validated_data["index"]
            )
        return self._answer(assignment)

    @extend_schema(request=None, responses={200: s.AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        with service_errors():
            assignment = services.assignment_reopen(actor=request.user, assignment=assignment)
        return self._answer(assignment)


class DutyFigureViewSet(ServiceViewSet):
    __doc__ = (
        "The board's prepared figures: per branch and period, the duties total, done "
        "(on time), submitted, returned, overdue, and their weights. Filter by `cadence`, "
        f"`period`, `branch`. {KEPT}"
    )

    queryset = BranchFigure.objects.select_related("organization").order_by(
        "-period_start", "org_path"
    )
    serializer_class = s.FigureSerializer
    filterset_class = filters.FigureFilter


def register(router: Any) -> None:
    """Add this app's viewsets to the project router."""
    router.register("duty-plans", DutyPlanViewSet, basename="duty-plan")
    router.register("duty-items", DutyItemViewSet, basename="duty-item")
    router.register("duty-assignments", DutyAssignmentViewSet, basename="duty-assignment")
    router.register("duty-figures", DutyFigureViewSet, basename="duty-figure")
