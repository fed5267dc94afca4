"""The site-projects API: list, detail, create, update, and the stage, checklist, photo and
visit actions, all through `sites.services`; checklist items and photos as their own lists."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.core.api import (
    KEPT,
    ServiceUpdateMixin,
    ServiceViewSet,
    documented,
    service_errors,
)
from grassroots.core.parsers import BoundedJSONParser
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.sites import filters, selectors, services
from grassroots.sites import serializers as s
from grassroots.sites.models import CheckItem, Photo, Project, StageStep


def _steps() -> Prefetch:
    # The steps of projects already scoped.
    return Prefetch("steps", queryset=unscoped(StageStep, why=Unscoped.SYSTEM).order_by("pk"))


@documented(s.SiteProjectSerializer, create=s.SiteProjectCreateSerializer, update=s.SiteProjectUpdateSerializer)  # fmt: skip
class SiteProjectViewSet(ServiceUpdateMixin, ServiceViewSet):
    __doc__ = (
        "Branch-site construction projects, stage by stage (survey, siting, design, "
        "construction, acceptance, in use), with the acceptance checklist, photos and guidance "
        "visits. Stages are reached in order; acceptance and putting into use are the "
        f"committee's. {KEPT}"
    )

    queryset = Project.objects.select_related("branch").prefetch_related(
        "checks", "photos", "visits__visit__instructor"
    )
    serializer_class = s.SiteProjectSerializer
    filterset_class = filters.ProjectFilter
    update_serializer_class = s.SiteProjectUpdateSerializer

    def get_queryset(self) -> Any:
        return selectors.with_overdue(super().get_queryset().prefetch_related(_steps()))

    def _fresh(self, pk: int) -> Project:
        return self.get_queryset().get(pk=pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.SiteProjectCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        with service_errors():
            project = services.project_create(actor=request.user, **body.to_service())
        return Response(
            self.get_serializer(self._fresh(project.pk)).data, status=status.HTTP_201_CREATED
        )

    def perform_service_update(self, obj: Project, data: dict[str, Any]) -> Project:
        services.project_update(actor=self.request.user, project=obj, **data)
        return self._fresh(obj.pk)

    def _run(self, request: Request, body_class: Any, call: Any, created: bool = False) -> Response:
        project = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            call(project, dict(body.validated_data))
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(self._fresh(project.pk)).data, status=code)

    @extend_schema(request=s.SiteReachSerializer, responses={200: s.SiteProjectSerializer})
    @action(detail=True, methods=["post"])
    def reach(self, request: Request, pk: str | None = None) -> Response:
        """Reach the next stage (named in `stage`, to be explicit), on `on` (today by default)."""
        return self._run(
            request,
            s.SiteReachSerializer,
            lambda p, d: services.stage_reach(actor=request.user, project=p, **d),
        )

    @extend_schema(request=s.SiteCorrectSerializer, responses={200: s.SiteProjectSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str | None = None) -> Response:
        """Correct the date a reached stage was reached on."""
        return self._run(
            request,
            s.SiteCorrectSerializer,
            lambda p, d: services.stage_correct(actor=request.user, project=p, **d),
        )

    @extend_schema(request=s.SitePlannedSerializer, responses={200: s.SiteProjectSerializer})
    @action(detail=True, methods=["post"])
    def plan(self, request: Request, pk: str | None = None) -> Response:
        """Set the planned dates of the stages given (null clears one)."""
        return self._run(
            request,
            s.SitePlannedSerializer,
            lambda p, d: services.plan_set(actor=request.user, project=p, planned=d),
        )

    @extend_schema(request=s.SiteCheckAddSerializer, responses={201: s.SiteProjectSerializer})
    @action(detail=True, methods=["post"])
    def checks(self, request: Request, pk: str | None = None) -> Response:
        """Add an item to the acceptance checklist."""
        return self._run(
            request,
            s.SiteCheckAddSerializer,
            lambda p, d: services.check_add(actor=request.user, project=p, **d),
            created=True,
        )

    @extend_schema(request=s.SitePhotoUploadSerializer, responses={201: s.SiteProjectSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request: Request, pk: str | None = None) -> Response:
        """Upload a photo (multipart): re-encoded, location and metadata stripped."""
        return self._run(
            request,
            s.SitePhotoUploadSerializer,
            lambda p, d: services.photo_add(
                actor=request.user,
                project=p,
                upload=d["image"],
                caption=d["caption"],
                stage=d["stage"],
            ),
            created=True,
        )

    @extend_schema(request=s.SiteVisitLogSerializer, responses={201: s.SiteProjectSerializer})
    @action(detail=True, methods=["post"], parser_classes=[BoundedJSONParser, FormParser])
    def visits(self, request: Request, pk: str | None = None) -> Response:
        """Log a guidance visit about the project (an instructor's) and link it."""
        return self._run(
            request,
            s.SiteVisitLogSerializer,
            lambda p, d: services.visit_log(actor=request.user, project=p, **d),
            created=True,
        )

    @extend_schema(responses={200: s.SiteStageCountSerializer(many=True)}, filters=True)
    @action(detail=False, methods=["get"], url_path="stage-counts", pagination_class=None)
    def stage_counts(self, request: Request) -> Response:
        """Projects per stage reached (the board's tiles), over the filtered projects."""
        rows = self.filter_queryset(self.get_queryset())
        return Response(
            [
                {"stage": stage, "label": label, "count": n}
                for stage, label, n in selectors.stage_counts(rows)
            ]
        )


class SiteCheckItemViewSet(ServiceViewSet):
    __doc__ = f"Acceptance checklist items of site projects; POST {{id}}/tick/ sets one. {KEPT}"

    queryset = CheckItem.objects.all()
    serializer_class = s.SiteCheckItemSerializer

    @extend_schema(request=s.SiteCheckSetSerializer, responses={200: s.SiteCheckItemSerializer})
    @action(detail=True, methods=["post"])
    def tick(self, request: Request, pk: str | None = None) -> Response:
        """Mark the item met (`done: true`) or not met."""
        item = self.get_object()
        body = s.SiteCheckSetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            item = services.check_set(actor=request.user, item=item, **body.validated_data)
        return Response(self.get_serializer(item).data)


class SitePhotoViewSet(ServiceViewSet):
    __doc__ = f"Photos of site projects (the file at `url`, to who reaches the branch). {KEPT}"

    queryset = Photo.objects.all()
    serializer_class = s.SitePhotoSerializer


def register(router: Any) -> None:
    """Add this app's viewsets to the project router."""
    router.register("site-projects", SiteProjectViewSet, basename="site-project")
    router.register("site-checks", SiteCheckItemViewSet, basename="site-check")
    router.register("site-photos", SitePhotoViewSet, basename="site-photo")
