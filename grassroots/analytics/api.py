"""The figures API: a node's prepared roll-ups with its children (scoped, read-only), and
the public figures (no login, cacheable). Mounted from `grassroots/urls.py` (api_urls.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.cache import patch_cache_control
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from grassroots.analytics import selectors
from grassroots.analytics.models import ORG_COUNTERS, PLACE_COUNTERS, OrgFigures, PlaceFigures
from grassroots.core.scoping import get_visible_or_404


def _serializer(name: str, counters: tuple[str, ...], doc: str) -> type[serializers.Serializer]:
    present = set(counters)
    fields: dict[str, Any] = {
        "node": serializers.CharField(),
        "id": serializers.IntegerField(),
        "path": serializers.CharField(),
        "depth": serializers.IntegerField(),
        **{c: serializers.IntegerField() for c in counters},
        **{
            r: serializers.FloatField(allow_null=True)
            for r, (part, base, _) in selectors.RATES.items()
            if part in present and base in present
        },
        "updated_at": serializers.DateTimeField(),
        "__doc__": doc,
    }
    return type(name, (serializers.Serializer,), fields)


PlaceNodeSerializer = _serializer(
    "PlaceNodeFigures",
    PLACE_COUNTERS,
    "A grid node's prepared figures: its own and all its descendants' (rolled up).",
)
OrgNodeSerializer = _serializer(
    "OrgNodeFigures",
    ORG_COUNTERS,
    "A Party organisation's prepared figures, summed over its branches.",
)


def _plain(serializer: type[serializers.Serializer]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """`serializer(data).data` for one node's flat dict, without DRF's per-field machinery.

    A dashboard's read is a node and its children, some forty fields each: at a county's 43
    towns DRF's field objects cost more than the queries (issue #15: p95 < 20 ms). The same
    fields, in the same order, each converted as its DRF field does (`test_api` compares the
    two); the serializer stays the schema's.
    """
    convert: dict[str, Callable[[Any], Any]] = {}
    for name, field in serializer().fields.items():
        if isinstance(field, serializers.DateTimeField):
            convert[name] = field.to_representation
        elif isinstance(field, serializers.IntegerField):
            convert[name] = int
        elif isinstance(field, serializers.FloatField):
            convert[name] = float
        else:
            convert[name] = str

    def plain(data: dict[str, Any]) -> dict[str, Any]:
        return {
            name: None if (value := data[name]) is None else to(value)
            for name, to in convert.items()
        }

    return plain


place_node = _plain(PlaceNodeSerializer)
org_node = _plain(OrgNodeSerializer)


class PlaceFiguresSerializer(PlaceNodeSerializer):  # type: ignore[valid-type,misc]
    children = PlaceNodeSerializer(many=True)


class OrgFiguresSerializer(OrgNodeSerializer):  # type: ignore[valid-type,misc]
    children = OrgNodeSerializer(many=True)


class PlaceFiguresView(APIView):
    """A grid node's roll-ups (households, coverage, cases and their rates) and its
    children's; a place out of the caller's reach answers 404."""

    @extend_schema(responses=PlaceFiguresSerializer, operation_id="figures_place")
    def get(self, request: Request, pk: int) -> Response:
        row = get_visible_or_404(PlaceFigures, request.user, place_id=pk)
        children = selectors.child_figures(request.user, row.path, row.depth)
        return Response(
            {
                **place_node(selectors.figures_dict(row)),
                "children": [place_node(selectors.figures_dict(c)) for c in children],
            }
        )


class OrgFiguresView(APIView):
    """A Party organisation's roll-ups (members, duties, scores, inspections,
    rectification, training, sites) and its children's; out of reach answers 404."""

    @extend_schema(responses=OrgFiguresSerializer, operation_id="figures_org")
    def get(self, request: Request, pk: int) -> Response:
        row = get_visible_or_404(OrgFigures, request.user, organization_id=pk)
        children = selectors.child_org_figures(request.user, row.path, row.depth)
        return Response(
            {
                **org_node(selectors.figures_dict(row)),
                "children": [org_node(selectors.figures_dict(c)) for c in children],
            }
        )


class PublicFiguresSerializer(serializers.Serializer):
    """Totals of the whole area, from live data: no row about a person."""

    households = serializers.IntegerField()
    residents = serializers.IntegerField()
    representatives = serializers.IntegerField()
    branches = serializers.IntegerField()
    instructors = serializers.IntegerField()
    members = serializers.IntegerField()
    demonstration_sites = serializers.IntegerField()
    cases_resolved_this_year = serializers.IntegerField()
    satisfaction_rate = serializers.FloatField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class PublicFiguresView(APIView):
    """The public figures (no login): households served by representatives, branches,
    instructors, members, demonstration sites, cases resolved this year and satisfaction."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(responses=PublicFiguresSerializer, operation_id="public_figures", auth=[])
    def get(self, request: Request) -> Response:
        response = Response(selectors.public_figures())
        patch_cache_control(response, public=True, max_age=selectors.PUBLIC_CACHE_SECONDS)
        return response
