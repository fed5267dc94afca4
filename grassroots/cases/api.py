"""REST API: scoped case list/detail, filing, and one endpoint per transition."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException as ApiException
from rest_framework.exceptions import PermissionDenied as ApiDenied
from rest_framework.exceptions import ValidationError as ApiInvalid
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.accounts.authentication import CachedTokenAuthentication
from grassroots.cases import selectors, services, workflow
from grassroots.cases.filters import CaseFilter
from grassroots.cases.models import OPEN_STATUSES, Case, Category
from grassroots.cases.serializers import (
    CaseDetailSerializer,
    CaseIntakeSerializer,
    CaseSerializer,
    CaseSubmitSerializer,
    CategorySerializer,
    ReportInSerializer,
    SimilarCaseSerializer,
    SimilarQuerySerializer,
    TransitionSerializer,
)
from grassroots.cases.suggest import similar_open_cases
from grassroots.core.api import ScopedViewSetMixin
from grassroots.core.parsers import BoundedJSONParser, load_json
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.grid.models import Household
from grassroots.grid.selectors import place_by_id


def _api_errors(exc: ValidationError) -> ApiInvalid:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
    if getattr(exc, "params", None) and "allowed" in (exc.params or {}):
        detail = {"detail": exc.messages, "allowed": exc.params["allowed"]}
    return ApiInvalid(detail)


_PROTOTYPES: dict[type, Any] = {}


def represent(serializer_class: type, instance: Any) -> Any:
    """`serializer_class(instance).data` without rebuilding its fields on every call.

    A ModelSerializer introspects the model for each new instance (about a third
    of a filing request); the bound fields hold no per-object state, so one
    context-free instance per class is built once per process and reused.
    """
    return _prototype(serializer_class).to_representation(instance)


def validated(serializer_class: type, data: Any) -> dict[str, Any]:
    """`serializer_class(data=data)` validated (errors raised as usual), fields built once."""
    return dict(_prototype(serializer_class).run_validation(data))


def _prototype(serializer_class: type) -> Any:
    proto = _PROTOTYPES.get(serializer_class)
    if proto is None:
        proto = _PROTOTYPES[serializer_class] = serializer_class()
        proto.fields  # noqa: B018 - build and bind the fields once
    return proto


def filing_args(user: Any, body: Any) -> dict[str, Any]:
    """The checked body of a filing, with its household or place resolved (404 when out of reach)."""
    data = validated(CaseSubmitSerializer, body)
    household = place = None
    if data.get("household"):
        household = get_visible_or_404(
            Household.objects.select_related("place"), user, pk=data["household"]
        )
    elif data.get("place"):
        # Unscoped lookup from the place memo; the service checks the scope
        # (a place outside it is refused, answered as 404).
        place = place_by_id(data["place"])
        if place is None:
            raise Http404
    return {
        "household": household,
        "place": place,
        "text": data["text"],
        "category": data.get("category"),
        "priority": data.get("priority"),
        "affected_households": data["affected_households"],
        "latitude": data.get("latitude"),
        "longitude": data.get("longitude"),
        "location_accuracy_m": data.get("location_accuracy_m"),
        "media_url": data.get("media_url", ""),
    }


_TRACK_PREFIX: list[str] = []


def track_url(code: str) -> str:
    """`reverse("cases:track", args=[code])`, with the prefix resolved once."""
    if not _TRACK_PREFIX:
        _TRACK_PREFIX.append(reverse("cases:track", args=["CODE"]).removesuffix("CODE/"))
    return f"{_TRACK_PREFIX[0]}{code}/"


def file_with(service: Any, request: Request) -> Any:
    """Call a filing service with the request's checked body; its refusals as API errors."""
    try:
        return service(actor=request.user, **filing_args(request.user, request.data))
    except ValidationError as exc:
        raise _api_errors(exc) from exc
    except PermissionDenied as exc:
        raise Http404 from exc


def new_receipt(intake: Any) -> dict[str, Any]:
    """The 202 answer to a queued filing, built by hand (the busiest answer of the API).

    Tests check it against CaseIntakeSerializer.
    """
    return {
        "code": intake.code,
        "status": intake.status,
        "received_at": intake.received_at.isoformat(),
        "case": None,
        "error": "",
        "track_url": track_url(intake.code),
    }


class CaseIntakeViewSet(viewsets.ViewSet):
    """Queued filing: answered at once with a tracking code, registered by the worker in seconds.

    `POST` checks the filing exactly as `POST /api/cases/` does and answers
    202 with a receipt; `GET /api/case-intake/{code}/` tells whether the case
    is registered yet (`status`, `case`) or why not (`error`).
    """

    lookup_field = "code"
    lookup_value_regex = "[0-9A-Za-z]+"
    # JSON only: no browsable-API negotiation on the busiest route.
    parser_classes = [BoundedJSONParser]
    renderer_classes = [JSONRenderer]
    serializer_class = CaseIntakeSerializer

    @extend_schema(request=CaseSubmitSerializer, responses={202: CaseIntakeSerializer})
    def create(self, request: Request) -> Response:
        intake = file_with(services.case_intake, request)
        return Response(new_receipt(intake), status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: CaseIntakeSerializer})
    def retrieve(self, request: Request, code: str | None = None) -> Response:
        receipt = selectors.intake_receipt(request.user, code or "")
        if receipt is None:
            raise Http404
        return Response(represent(CaseIntakeSerializer, receipt))


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.filter(active=True).order_by("sort", "code")
    serializer_class = CategorySerializer
    pagination_class = None


class CaseViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Cases in the caller's reach; every transition is `POST /api/cases/{id}/<action>/`."""

    queryset = Case.objects.select_related(*selectors.LIST_RELATED).order_by("-submitted_at")
    serializer_class = CaseSerializer
    filterset_class = CaseFilter

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return CaseDetailSerializer
        if self.action == "create":
            return CaseSubmitSerializer
        if self.action in workflow.ACTION_LABELS:
            return TransitionSerializer
        return CaseSerializer

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("events__actor")
        return qs

    @extend_schema(request=CaseSubmitSerializer, responses={201: CaseSerializer})
    def create(self, request: Request) -> Response:
        """File a case now; the answer is the case. For volume, see `/api/case-intake/`."""
        case = file_with(services.case_submit, request)
        return Response(represent(CaseSerializer, case), status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[SimilarQuerySerializer],
        responses={200: SimilarCaseSerializer(many=True)},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def similar(self, request: Request) -> Response:
        """Open cases of the same village that look like a case or a text (before filing).

        The same detection as the pages (`cases.suggest.similar_open_cases`),
        over the cases the caller reaches; `?case=` or `?text=` with
        `?household=` or `?place=`. Join one instead of filing again.
        """
        query = validated(SimilarQuerySerializer, request.query_params)
        visible = selectors.visible_cases(request.user)
        exclude = None
        if "case" in query:
            case = get_visible_or_404(Case, request.user, pk=query["case"])
            text, place, exclude = case.text, case.place, case.pk
        else:
            text = query["text"]
            place = _place_of(request.user, query)
        found = similar_open_cases(text, place=place, exclude=exclude, base=visible)
        return Response([represent(SimilarCaseSerializer, s) for s in found])

    @extend_schema(request=ReportInSerializer, responses={200: CaseDetailSerializer})
    @action(detail=True, methods=["post"], url_path="report-in", url_name="report_in")
    def report_in(self, request: Request, pk: str | None = None) -> Response:
        """报到: the caller (or their unit) reports in after the whistle, as on the case page.

        400 when the case is no longer open (naming the actions allowed) or no
        summons waits for the caller; 404 for a case or summons out of reach.
        """
        case = self.get_object()
        body = validated(ReportInSerializer, request.data)
        if case.status not in OPEN_STATUSES:
            raise _api_errors(workflow.not_allowed(case, "acknowledge"))
        summons = _summons_for(request.user, case, body.get("summons"))
        try:
            services.case_acknowledge(actor=request.user, summons=summons, note=body["note"])
        except ValidationError as exc:
            raise _api_errors(exc) from exc
        except PermissionDenied as exc:
            raise Http404 from exc
        case = self.get_queryset().get(pk=case.pk)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)

    def _transition(self, request: Request, name: str) -> Response:
        case = self.get_object()
        ser = TransitionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        params = _resolve(case, ser.params_for(name))
        try:
            services.perform(actor=request.user, case=case, action=name, **params)
        except ValidationError as exc:
            raise _api_errors(exc) from exc
        except PermissionDenied as exc:
            raise ApiDenied(str(exc)) from exc
        case = self.get_queryset().get(pk=case.pk)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)


def _place_of(user: Any, query: dict[str, Any]) -> Any:
    if query.get("household"):
        household = get_visible_or_404(
            Household.objects.select_related("place"), user, pk=query["household"]
        )
        return household.place
    place = place_by_id(query["place"])
    if place is None:
        raise Http404
    return place


def _summons_for(user: Any, case: Case, pk: int | None) -> Any:
    """The summons named, or the caller's own waiting one (400 when there is none)."""
    summonses = list(case.summonses.all())
    if pk is not None:
        found = next((s for s in summonses if s.pk == pk), None)
        if found is None:
            raise Http404
        return found
    units = scope_for(user).handler_place_ids
    waiting = [
        s
        for s in summonses
        if s.acknowledged_at is None and (s.user_id == user.pk or s.place_id in units)
    ]
    if not waiting:
        raise ApiInvalid({"summons": [_("No whistle is waiting for your report on this case.")]})
    return waiting[0]


def _resolve(case: Case, params: dict[str, Any]) -> dict[str, Any]:
    """Ids to people and units, from the same selectors the form offers.

    An id outside them is an error (400) before anything is written; the
    services check the same rule again, whoever calls them.
    """
    handlers = selectors.eligible_handlers(case)
    units = selectors.town_units(case)
    if params.get("handler") is not None:
        params["handler"] = _one(handlers, params["handler"], "handler")
    if params.get("handler_place") is not None:
        params["handler_place"] = _one(units, params["handler_place"], "handler_place")
    if "users" in params:
        params["users"] = [_one(handlers, pk, "users") for pk in params["users"]]
    if "places" in params:
        params["places"] = [_one(units, pk, "places") for pk in params["places"]]
    return params


def _one(choices: Any, pk: int, field: str) -> Any:
    found = choices.filter(pk=pk).first()
    if found is None:
        raise ApiInvalid({field: [_("Choose one of the offered handlers or units.")]})
    return found


def _make_action(name: str) -> Any:
    def handler(self: CaseViewSet, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, name)

    handler.__name__ = attr_name(name)
    handler.__doc__ = f"Transition “{name}”: allowed from {', '.join(sorted({f for (f, a) in workflow.TRANSITIONS if a == name}))}."
    decorated = extend_schema(
        request=TransitionSerializer,
        responses={200: CaseDetailSerializer},
        operation_id=f"cases_{name}",
    )(handler)
    return action(detail=True, methods=["post"], url_path=name.replace("_", "-"), url_name=name)(
        decorated
    )


def attr_name(action_name: str) -> str:
    # "return" is a keyword; the URL stays /return/.
    return f"do_{action_name}" if action_name == "return" else action_name


for _name in workflow.ACTION_LABELS:
    setattr(CaseViewSet, attr_name(_name), _make_action(_name))


def register(router: Any) -> None:
    """Add this app's viewsets to the project router."""
    router.register("case-intake", CaseIntakeViewSet, basename="case-intake")
    router.register("cases", CaseViewSet, basename="case")
    router.register("case-categories", CategoryViewSet, basename="case-category")


_INTAKE_VIEW = CaseIntakeViewSet.as_view({"post": "create"})
_TOKEN_AUTH = CachedTokenAuthentication()


@csrf_exempt
def intake_fast(request: HttpRequest) -> HttpResponse:
    """`POST /api/case-intake/` without DRF's request machinery when it can (decision 0007).

    A token-authenticated JSON filing that passes every check is answered here
    with the same receipt `CaseIntakeViewSet.create` gives; anything else (no
    or a bad token, session login, invalid data, out of scope) goes on to that
    view, which answers in DRF's formats. Nothing is written before the checks
    pass, so a request handed on has changed nothing.
    """
    if (
        request.method == "POST"
        and request.content_type == "application/json"
        and request.headers.get("Authorization", "").startswith("Token ")
    ):
        try:
            found = _TOKEN_AUTH.authenticate(request)
            if found is not None:
                intake = services.case_intake(
                    actor=found[0], **filing_args(found[0], load_json(request.body))
                )
                return JsonResponse(new_receipt(intake), status=202)
        except (
            ValueError,
            ApiException,
            ValidationError,
            PermissionDenied,
            Http404,
            RequestDataTooBig,  # raised before reading: DRF's parser answers 413 as JSON
        ):
            pass
    return _INTAKE_VIEW(request)
