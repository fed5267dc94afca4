"""REST API of rectification items: the ledger, registering, and each transition as a
POST action on the item (`/api/rectifications/{id}/<action>/`), all scoped.

Same plumbing as party/api.py: scoped querysets, shape-only serializers, every write
through rectify.services (a wrong transition answers 400 naming the allowed ones; a
party that may not act 403; an item out of reach 404).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from grassroots.core.api import KEPT, ServiceCreateMixin, ServiceViewSet, documented, service_errors
from grassroots.rectify import serializers as s
from grassroots.rectify import services
from grassroots.rectify.filters import ItemFilter
from grassroots.rectify.models import Extension, Item


def _transition(name: str, body: type, doc: str) -> Any:
    def handler(self: RectificationViewSet, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        data = body(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            services.TRANSITION_SERVICES[name](
                actor=request.user, item=item, **s.params(dict(data.validated_data))
            )
        return Response(s.ItemDetailSerializer(self.get_object()).data)

    handler.__name__ = name
    handler.__doc__ = doc
    decorated = extend_schema(
        request=body, responses={200: s.ItemDetailSerializer}, operation_id=f"rectifications_{name}"
    )(handler)
    return action(detail=True, methods=["post"], url_path=name.replace("_", "-"), url_name=name)(
        decorated
    )


@documented(s.ItemSerializer, create=s.ItemCreateSerializer)
class RectificationViewSet(ServiceCreateMixin, ServiceViewSet):
    __doc__ = (
        "Rectification items (整改事项) with their live warning colour; transitions are "
        "POST actions. Only a reviewer's `sign-off` of an item under review closes it. " + KEPT
    )

    queryset = Item.objects.select_related("organization", "person", "leader")
    serializer_class = s.ItemSerializer
    filterset_class = ItemFilter
    create_serializer_class = s.ItemCreateSerializer

    def get_serializer_class(self) -> Any:
        return s.ItemDetailSerializer if self.action == "retrieve" else s.ItemSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Item:
        return services.item_register(actor=self.request.user, **data)

    hand_over = _transition(
        "hand_over", s.HandOverSerializer, "Hand the item to its unit (registered → assigned)."
    )
    start_rectifying = _transition(
        "start_rectifying", s.TransitionSerializer, "The unit starts (assigned → in progress)."
    )
    request_signoff = _transition(
        "request_signoff",
        s.SignoffSerializer,
        "Ask for sign-off with a note (required for tour and patrol inspections) and at most "
        "one optional file (in progress → sign-off requested).",
    )
    start_review = _transition(
        "start_review", s.EmptySerializer, "A reviewer takes it (→ under review)."
    )
    sign_off = _transition(
        "sign_off", s.TransitionSerializer, "A reviewer approves (under review → closed)."
    )
    return_for_rework = _transition(
        "return_for_rework", s.ReturnSerializer, "A reviewer returns it (under review → returned)."
    )
    rework = _transition("rework", s.TransitionSerializer, "Back to work (returned → in progress).")

    @extend_schema(
        request=s.ExtensionRequestSerializer,
        responses={201: s.ExtensionSerializer},
        operation_id="rectifications_request_extension",
    )
    @action(
        detail=True, methods=["post"], url_path="request-extension", url_name="request_extension"
    )
    def request_extension(self, request: Request, pk: str | None = None) -> Response:
        """The unit asks to move the deadline (a reviewer decides)."""
        item = self.get_object()
        data = s.ExtensionRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            extension = services.extension_request(
                actor=request.user, item=item, **data.validated_data
            )
        return Response(s.ExtensionSerializer(extension).data, status=201)

    @extend_schema(
        request=s.ExtensionDecideSerializer,
        responses={200: s.ExtensionSerializer},
        operation_id="rectifications_decide_extension",
    )
    @action(detail=True, methods=["post"], url_path="decide-extension", url_name="decide_extension")
    def decide_extension(self, request: Request, pk: str | None = None) -> Response:
        """A reviewer approves (the deadline moves) or refuses the waiting extension request."""
        item = self.get_object()
        data = s.ExtensionDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pending = (
            Extension.objects.visible_to(request.user)
            .filter(item=item, approved__isnull=True)
            .first()
        )
        if pending is None:
            return Response({"approve": [_("No extension request is waiting.")]}, status=400)
        with service_errors():
            extension = services.extension_decide(
                actor=request.user, extension=pending, **data.validated_data
            )
        return Response(s.ExtensionSerializer(extension).data)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the project router."""
    router.register("rectifications", RectificationViewSet, basename="rectification")
