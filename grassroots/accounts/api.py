"""REST API: `/api/me/` — the caller, their roles and capabilities."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.accounts.models import RoleAssignment, User
from grassroots.accounts.serializers import MeSerializer
from grassroots.core.scoping import scope_for


class OneObjectSchema(AutoSchema):
    """`GET /api/me/` is the router's list route but answers one object, not an array."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class MeViewSet(viewsets.ViewSet):
    """The authenticated caller: roles (assigned and derived) and capabilities."""

    schema = OneObjectSchema()

    @extend_schema(responses=MeSerializer)
    def list(self, request: Request) -> Response:
        user = cast(User, request.user)  # IsAuthenticated: never anonymous here
        scope = scope_for(user)
        assignments = RoleAssignment.objects.filter(user=user, active=True).select_related(
            "place", "organization"
        )
        data = {
            "id": user.pk,
            "username": user.username,
            "display_name": user.display_name,
            "is_superuser": user.is_superuser,
            "roles": sorted(scope.roles),
            "capabilities": sorted(scope.capabilities),
            "role_assignments": assignments,
            "representative_ids": list(scope.representative_ids),
            "instructor_ids": list(scope.instructor_ids),
        }
        return Response(MeSerializer(data).data)


def register(router: Any) -> None:
    """Add this app's viewsets to the project router."""
    router.register("me", MeViewSet, basename="me")
