"""Shared API plumbing: scoped viewsets whose writes go through services."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.core import services as core_services
from grassroots.core.ids import IdConverter, parse_id


class ScopedViewSetMixin:
    """Every queryset a viewset serves comes from `visible_to(request.user)`."""

    queryset: Any
    request: Any  # the viewset's (Django's or DRF's request, depending on the base)
    kwargs: dict[str, Any]
    lookup_field = "pk"
    lookup_url_kwarg: str | None = None
    # `{id}` in a detail route is an id (1 to 19 digits); parse_id below bounds it.
    lookup_value_regex = IdConverter.regex

    def get_queryset(self) -> Any:
        return self.queryset.visible_to(self.request.user)

    def get_object(self) -> Any:
        """The object of a detail route; an id past 64 bits is a 404, not an OverflowError."""
        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if self.lookup_field == "pk" and parse_id(lookup) is None:
            raise Http404
        return super().get_object()  # type: ignore[misc]


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id the caller can see; anything else is 'does not exist' (400).

    The candidate queryset is built per request from `visible_to(user)`, so an
    out-of-scope id is indistinguishable from a missing one. A place or
    organisation must moreover lie inside the caller's area, not merely above it.
    """

    def __init__(self, model: type[models.Model], **kwargs: Any) -> None:
        self.scoped_model = model
        # `.none()` only tells DRF (and the schema generator) the model; the real
        # candidates come from get_queryset below.
        kwargs.setdefault("queryset", model._default_manager.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> models.QuerySet:
        manager: Any = self.scoped_model._default_manager  # built from a ScopedQuerySet
        return manager.visible_to(self._user())

    def _user(self) -> Any:
        return getattr(self.context.get("request"), "user", None)

    def to_internal_value(self, data: Any) -> Any:
        obj = super().to_internal_value(data)
        # Places and organisations above the caller's area are visible (breadcrumbs,
        # tree roots) but are never a target to write under or into.
        if not core_services.reaches(self._user(), obj):
            self.fail("does_not_exist", pk_value=data)
        return obj


class RevealSerializer(serializers.Serializer):
    """Body of `POST /api/<resource>/{id}/reveal/`."""

    field = serializers.ChoiceField(choices=["phone", "id_number"])
    reason = serializers.CharField(min_length=2, max_length=200, trim_whitespace=True)

    def __init__(self, *args: Any, fields_allowed: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fields_allowed:
            self.fields["field"] = serializers.ChoiceField(choices=list(fields_allowed))

    def validate_reason(self, value: str) -> str:
        # The service checks again; here the caller gets a 400 naming the field.
        reason = core_services.meaningful_reason(value)
        if not reason:
            raise serializers.ValidationError(str(core_services.REASON_REFUSED))
        return reason


class RevealResultSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


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
    # provided by the GenericViewSet the mixin is combined with
    get_serializer: Callable[..., serializers.BaseSerializer]
    get_serializer_context: Callable[[], dict[str, Any]]

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
    # provided by the GenericViewSet the mixin is combined with
    get_object: Callable[[], Any]
    get_serializer: Callable[..., serializers.BaseSerializer]
    get_serializer_context: Callable[[], dict[str, Any]]

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
    get_object: Callable[[], Any]  # provided by the GenericViewSet the mixin is combined with

    @extend_schema(
        request=RevealSerializer,
        responses={200: RevealResultSerializer},
        description=(
            "Reveal one personal field in clear. Needs a reason; the reveal is audited. "
            "404 outside the caller's scope, 403 without the reveal capability."
        ),
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        body = RevealSerializer(data=request.data, fields_allowed=self.revealable)
        body.is_valid(raise_exception=True)
        field = body.validated_data["field"]
        value = core_services.reveal(
            actor=request.user, obj=obj, field=field, reason=body.validated_data["reason"]
        )
        response = Response({"field": field, "value": value})
        add_never_cache_headers(response)  # a plain personal value: no cache may keep it
        return response


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
