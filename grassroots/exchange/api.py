"""REST API: `POST /api/exchange/import/` (multipart) and `GET /api/exchange/export/{kind}/`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.exchange import services, writers


class ImportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=services.KINDS)
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=False)
    town = serializers.CharField(required=False, allow_blank=True, help_text="id, name or code")


ReportSerializer = inline_serializer(
    "ImportReport",
    {
        "kind": serializers.CharField(),
        "ok": serializers.BooleanField(),
        "dry_run": serializers.BooleanField(),
        "written": serializers.BooleanField(),
        "counts": serializers.DictField(child=serializers.IntegerField()),
        "errors": serializers.ListField(child=serializers.DictField()),
    },
)


class ImportViewSet(viewsets.ViewSet):
    """Import a spreadsheet: all rows or none; 400 with every bad row listed."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportRequestSerializer},
        responses={200: ReportSerializer, 400: ReportSerializer},
    )
    def create(self, request: Request) -> Response:
        body = ImportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        try:
            report = services.import_file(
                actor=request.user,
                kind=body.validated_data["kind"],
                filename=upload.name,
                data=upload.read(),
                dry_run=body.validated_data["dry_run"],
                town=body.validated_data.get("town") or None,
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return Response(
            report.as_dict(),
            status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST,
        )


class _FileRenderer(BaseRenderer):
    """Accepts `?format=xlsx|csv`, which DRF reads as a renderer choice (URL_FORMAT_OVERRIDE)
    and, finding none, answered 404; the view builds the file itself."""

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> Any:
        return data


class XlsxRenderer(_FileRenderer):
    media_type = writers.XLSX_TYPE
    format = "xlsx"


class CsvRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class ExportViewSet(viewsets.ViewSet):
    """Download visible records as .xlsx; `?reveal=1&reason=…` unmasks (audited)."""

    renderer_classes = [JSONRenderer, XlsxRenderer, CsvRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "id",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(services.KINDS),
                description="households or organizations",
            ),
            OpenApiParameter("reveal", OpenApiTypes.STR, description="1 to unmask"),
            OpenApiParameter("reason", OpenApiTypes.STR),
            OpenApiParameter("format", OpenApiTypes.STR, description="xlsx (default) or csv"),
        ],
        responses={(200, writers.XLSX_TYPE): OpenApiTypes.BINARY},
    )
    def retrieve(self, request: Request, pk: str | None = None) -> HttpResponse:
        if pk not in services.KINDS:
            raise Http404
        fmt = "csv" if request.query_params.get("format") == "csv" else "xlsx"
        content, _count = services.export_data(
            actor=request.user,
            kind=pk,
            params=request.query_params,
            reveal=request.query_params.get("reveal") == "1",
            reason=request.query_params.get("reason", ""),
            fmt=fmt,
        )
        response = HttpResponse(
            content, content_type="text/csv; charset=utf-8" if fmt == "csv" else writers.XLSX_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{pk}.{fmt}"'
        return response


def register(router: Any) -> None:
    """Add this app's viewsets to the project router."""
    router.register("exchange/import", ImportViewSet, basename="exchange-import")
    router.register("exchange/export", ExportViewSet, basename="exchange-export")
