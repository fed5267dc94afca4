"""REST API: `POST /api/exchange/import/` (multipart), `GET /api/exchange/export/{kind}/`
and `POST /api/exchange/export/{kind}/reveal/` (unmasked, the reason in the body)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.core import services as core_services
from grassroots.core.xlsx import XLSX_TYPE
from grassroots.exchange import services
from grassroots.exchange.report import ImportReport


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
        if not body.is_valid():
            return _refused(request, body.errors)
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
            return _refused(request, {"town": exc.messages})
        return Response(
            report.as_dict(),
            status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST,
        )


def _refused(request: Request, errors: dict[str, Any]) -> Response:
    """A request refused before any file is read, in the same shape as a report (400)."""
    report = ImportReport(kind=str(request.data.get("kind", ""))[:20])
    for field, messages in errors.items():
        for message in messages:
            report.add("", 0, field, "", str(message))
    return Response(report.as_dict(), status=status.HTTP_400_BAD_REQUEST)


KIND_PARAMETER = OpenApiParameter(
    "id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=list(services.KINDS),
    description="households or organizations",
)
FORMAT_PARAMETER = OpenApiParameter("format", OpenApiTypes.STR, description="xlsx (default) or csv")


class RevealExportSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why the data is needed in clear.")
    format = serializers.ChoiceField(choices=["xlsx", "csv"], default="xlsx")

    def validate_reason(self, value: str) -> str:
        # The service checks again; here the caller gets a 400 naming the field.
        reason = core_services.meaningful_reason(value)
        if not reason:
            raise serializers.ValidationError(str(core_services.REASON_REFUSED))
        return reason


class _FileRenderer(BaseRenderer):
    """Accepts `?format=xlsx|csv`, which DRF reads as a renderer choice (URL_FORMAT_OVERRIDE)
    and, finding none, answered 404; the view builds the file itself."""

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> Any:
        return data


# An export is a workbook, or CSV when `format=csv` is asked for.
FILE_RESPONSES = {
    (200, XLSX_TYPE): OpenApiTypes.BINARY,
    (200, "text/csv"): OpenApiTypes.BINARY,
    400: OpenApiTypes.OBJECT,
}


class XlsxRenderer(_FileRenderer):
    media_type = XLSX_TYPE
    format = "xlsx"


class CsvRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class ExportViewSet(viewsets.ViewSet):
    """Download visible records: `GET {kind}/` masked; `POST {kind}/reveal/` unmasked (audited).

    The reason of an unmasked export travels in the POST body, never in the URL.
    """

    renderer_classes = [JSONRenderer, XlsxRenderer, CsvRenderer]

    @extend_schema(
        parameters=[KIND_PARAMETER, FORMAT_PARAMETER],
        responses=FILE_RESPONSES,
    )
    def retrieve(self, request: Request, pk: str | None = None) -> HttpResponse:
        if pk not in services.KINDS:
            raise Http404
        if "reveal" in request.query_params or "reason" in request.query_params:
            raise serializers.ValidationError(
                {"reveal": [_("An unmasked export is a POST to …/reveal/ with the reason.")]}
            )
        fmt = "csv" if request.query_params.get("format") == "csv" else "xlsx"
        return self._export(request, pk, fmt, reason="")

    @extend_schema(
        parameters=[KIND_PARAMETER],
        request=RevealExportSerializer,
        responses=FILE_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str | None = None) -> HttpResponse:
        if pk not in services.KINDS:
            raise Http404
        body = RevealExportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        response = self._export(
            request, pk, body.validated_data["format"], reason=body.validated_data["reason"]
        )
        add_never_cache_headers(response)  # personal data in clear: no cache may keep it
        return response

    def _export(self, request: Request, kind: str, fmt: str, *, reason: str) -> HttpResponse:
        content, _count = services.export_data(
            actor=request.user,
            kind=kind,
            params=request.query_params,
            reveal=bool(reason),
            reason=reason,
            fmt=fmt,
        )
        response = HttpResponse(
            content, content_type="text/csv; charset=utf-8" if fmt == "csv" else XLSX_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{kind}.{fmt}"'
        return response


def register(router: Any) -> None:
    """Add this app's viewsets to the project router."""
    router.register("exchange/import", ImportViewSet, basename="exchange-import")
    router.register("exchange/export", ExportViewSet, basename="exchange-export")
