"""The check-in API: a scan's token, venue staff's check-in by hand, the online heartbeat,
the session's video — through the same services as the pages (issue #12)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import get_authorization_header
from rest_framework.decorators import action
from rest_framework.exceptions import APIException as ApiException
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from grassroots.accounts.authentication import TOKENS, CachedTokenAuthentication
from grassroots.core.api import service_errors
from grassroots.core.ids import MAX_ID
from grassroots.core.parsers import load_json
from grassroots.core.scoping import get_visible_or_404
from grassroots.trainings import serializers_checkin as s
from grassroots.trainings.models import Attendance, Enrolment, Session
from grassroots.trainings.services import checkin, checkin_fast, online

REFUSALS = dict.fromkeys((400, 403, 404, 409, 410), s.CheckinRefusalSerializer)


def _refusal(exc: checkin.Refused) -> Response:
    return Response({"detail": exc.messages[0], "code": exc.code}, status=exc.status)


class CheckinViewSet(viewsets.GenericViewSet):
    """Check-in at a training session. POST with a venue's QR token checks the caller in
    (once; a forged, expired or replayed token, or a second check-in, is refused with a
    `code` and nothing is recorded); `hand/` is venue staff checking in a person without a
    phone; `beat/` is one heartbeat of online study; `material/` uploads a session's video."""

    serializer_class = s.CheckinAttendanceSerializer
    queryset = Session.objects.none()

    @extend_schema(
        request=s.CheckinTokenSerializer, responses={201: s.CheckinAttendanceSerializer, **REFUSALS}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.CheckinTokenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            row = checkin.check_in_by_token(
                actor=request.user,
                session_id=body.validated_data["session"],
                venue_id=body.validated_data["venue"],
                token=body.validated_data["token"],
            )
        except checkin.Refused as exc:
            return _refusal(exc)
        return Response(s.CheckinAttendanceSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.CheckinHandSerializer, responses={201: s.CheckinAttendanceSerializer, **REFUSALS}
    )
    @action(detail=False, methods=["post"])
    def hand(self, request: Request) -> Response:
        body = s.CheckinHandSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        session = get_visible_or_404(Session, request.user, pk=data["session"])
        venue = session.venues.filter(pk=data["venue"]).first()
        if venue is None:
            raise Http404
        enrolment = get_visible_or_404(
            Enrolment.objects.filter(programme_id=(session.makeup_of or session).programme_id),
            request.user,
            pk=data["enrolment"],
        )
        with service_errors():  # a Refused answers with its code, other errors as 400
            try:
                row = checkin.check_in_by_hand(
                    actor=request.user,
                    session=session,
                    venue=venue,
                    enrolment=enrolment,
                    note=data["note"],
                )
            except checkin.Refused as exc:
                return _refusal(exc)
        return Response(s.CheckinAttendanceSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.CheckinBeatSerializer, responses={200: s.CheckinProgressSerializer, **REFUSALS}
    )
    @action(detail=False, methods=["post"])
    def beat(self, request: Request) -> Response:
        body = s.CheckinBeatSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        session = checkin.studied_session(request.user, body.validated_data["session"])
        try:
            row, attendance = online.beat(actor=request.user, session=session)
        except checkin.Refused as exc:
            return _refusal(exc)
        done = (
            attendance is not None or session.attendances.filter(enrolment=row.enrolment).exists()
        )
        return Response(
            {
                "session": session.pk,
                "seconds": row.seconds,
                "required": online.required_seconds(session),
                "material_seconds": session.material_seconds,
                "done": done,
            }
        )

    @extend_schema(
        request={"multipart/form-data": s.CheckinMaterialSerializer},
        responses={200: s.CheckinMaterialResultSerializer},
    )
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser])
    def material(self, request: Request) -> Response:
        body = s.CheckinMaterialSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        session = get_visible_or_404(Session, request.user, pk=data["session"])
        with service_errors():
            session = online.material_upload(
                actor=request.user, session=session, file=data["file"], seconds=data["seconds"]
            )
        return Response(
            {
                "session": session.pk,
                "material_kind": session.material_kind,
                "material_seconds": session.material_seconds,
            }
        )


def register(router: BaseRouter) -> None:
    router.register("training-checkins", CheckinViewSet, basename="training-checkin")


# --- the token scan's fast path (decision 0011) -------------------------------------

_CHECKIN_VIEW = CheckinViewSet.as_view({"post": "create"})
_TOKEN_AUTH = CachedTokenAuthentication()
# The answer's fields rendered as CheckinAttendanceSerializer renders them.
_AT = serializers.DateTimeField()
_HOURS = serializers.DecimalField(max_digits=4, decimal_places=1)
_JSON = {"ensure_ascii": False}  # as DRF's renderer


def _scan_body(data: Any) -> dict[str, Any] | None:
    """The body if CheckinTokenSerializer accepts it as it stands (ids as JSON numbers);
    None for anything else, which the DRF view validates and answers."""
    if not isinstance(data, dict) or set(data) != {"session", "venue", "token"}:
        return None
    session, venue, token = data["session"], data["venue"], data["token"]
    ids_ok = all(type(i) is int and 1 <= i <= MAX_ID for i in (session, venue))
    if not ids_ok or type(token) is not str or not 0 < len(token.strip()) <= 200:
        return None
    return {"session_id": session, "venue_id": venue, "token": token.strip()}


def _api_key(request: HttpRequest) -> str | None:
    """The key DRF's TokenAuthentication would look up; None where it would answer
    without a lookup (a malformed header), which the DRF view then does."""
    auth = get_authorization_header(request).split()
    if len(auth) != 2 or auth[0].lower() != _TOKEN_AUTH.keyword.lower().encode():
        return None
    try:
        key = auth[1].decode()
    except UnicodeError:
        return None
    return key if "\x00" not in key else None


def _token_user(key: str) -> Any | None:
    """The key's user as the API's token authentication finds it (and remembers it)."""
    try:
        return _TOKEN_AUTH.authenticate_credentials(key)[0]
    except ApiException:
        return None


def fast_answer(request: HttpRequest) -> HttpResponse | None:
    """The answer to a token-authenticated JSON scan, or None to hand it to the DRF view.

    Everything the DRF view would refuse in its own format (no or a bad token, an
    inactive user, a session login, an invalid body) is handed on with nothing written;
    a check-in refusal is answered as `CheckinViewSet.create` answers it (same body and
    status). The token's user comes from the token memo if it holds the key, else from
    the check-in's own statement (`checkin_fast.Caller`).
    """
    if not (
        request.method == "POST"
        and request.content_type == "application/json"
        and request.headers.get("Authorization", "").startswith("Token ")
    ):
        return None
    key = _api_key(request)
    try:
        body = _scan_body(load_json(request.body)) if key is not None else None
    except (ValueError, ApiException, RequestDataTooBig):
        return None
    if key is None or body is None:
        return None
    remembered = TOKENS.peek(key)
    caller = checkin_fast.Caller(
        key=key, user=remembered[0] if remembered else None, load=_token_user
    )
    try:
        row = checkin_fast.check_in(caller=caller, **body)
    except checkin_fast.NotAuthenticated:
        return None
    except checkin.Refused as exc:
        data = {"detail": exc.messages[0], "code": exc.code}
        return JsonResponse(data, status=exc.status, json_dumps_params=_JSON)
    answer = {
        "id": row.id,
        "session": row.session,
        "venue": row.venue,
        "enrolment": row.enrolment,
        "name": row.name,
        "method": Attendance.Method.QR.value,
        "at": _AT.to_representation(row.at),
        "hours": _HOURS.to_representation(row.hours),
    }
    return JsonResponse(answer, status=201, json_dumps_params=_JSON)


@csrf_exempt
def checkin_fast_view(request: HttpRequest) -> HttpResponse:
    """`POST /api/training-checkins/` without DRF's request machinery when it can
    (decision 0011); the DRF view (which the OpenAPI schema documents) otherwise."""
    answer = fast_answer(request)
    return answer if answer is not None else _CHECKIN_VIEW(request)
