"""Errors a person can read: the pages and JSON bodies for 400, 403, 404, 429, 500 and 503.

Django calls the `handler*` views named in `grassroots/urls.py` (only with DEBUG off,
which is the default); DRF views answer through `api_exception_handler`. Both say
the same thing in the interface language, and under `/api/` both answer JSON
`{"detail": ..., "code": ...}`. Nothing here shows a traceback or a URL list.

A database that is down or restarting surfaces as `OperationalError` or
`InterfaceError` wherever the first query happens (a middleware reading the
session, a view, a serializer). Whatever the place, it reaches `server_error`
while still being handled, so that view answers 503 with `Retry-After` rather
than 500: the fault is the service's, the request may simply be repeated.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from grassroots.core.outage import DATABASE_ERRORS, short_reason

logger = logging.getLogger(__name__)

RETRY_AFTER_S = 10

# code -> (machine code, title, what to do)
MESSAGES: dict[int, tuple[str, Promise, Promise]] = {
    400: (
        "bad_request",
        _("The request could not be understood"),
        _("Something in the request was malformed. Go back, check what you entered and try again."),
    ),
    403: (
        "permission_denied",
        _("You may not do this"),
        _("Your account does not have permission for this page or action."),
    ),
    404: (
        "not_found",
        _("Page not found"),
        _("The page or record does not exist, or it is not within your responsibility."),
    ),
    429: (
        "throttled",
        _("Too many requests"),
        _("You have sent too many requests in a short time. Wait a moment and try again."),
    ),
    500: (
        "server_error",
        _("Something went wrong on our side"),
        _(
            "The error has been recorded. Try again later; if it keeps happening, tell the town office."
        ),
    ),
    503: (
        "service_unavailable",
        _("The service is temporarily unavailable"),
        _("The system cannot reach its database right now. Try again in a few moments."),
    ),
}

CSRF_TEXT = _(
    "The form has expired or your browser refused its cookie. "
    "Reload the page, allow cookies for this site, and send the form again."
)


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_response(
    request: HttpRequest,
    status: int,
    *,
    use_request: bool = True,
    text: Promise | None = None,
) -> HttpResponse:
    """The page or the JSON body for `status`, in the active language.

    `use_request=False` renders without the request context: no context processor
    runs, so a page still renders when the session, the user or the scope cannot
    be read (the database is the fault).
    """
    code, title, explanation = MESSAGES[status]
    if wants_json(request):
        response: HttpResponse = JsonResponse(
            {"detail": str(text or title), "code": code}, status=status
        )
    else:
        template = loader.get_template(f"{status}.html")
        context = {"status": status, "title": title, "text": text or explanation}
        body = template.render(context, request if use_request else None)
        response = HttpResponse(body, status=status)
    if status in (429, 503):
        response["Retry-After"] = str(RETRY_AFTER_S)
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its token (an old tab, cookies refused): say what to do."""
    return error_response(request, 403, text=CSRF_TEXT)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the exception being handled says the database is unavailable."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return error_response(request, 503, use_request=False)
    return error_response(request, 500, use_request=False)


def throttled_page(request: HttpRequest) -> HttpResponse:
    """The 429 page or body, for a rate limit outside DRF."""
    return error_response(request, 429)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with `code` beside `detail` and a 503 for an unavailable database.

    Field validation errors keep DRF's shape (a field -> messages mapping: clients
    show them next to their fields); every other error is `{"detail", "code"}`.
    """
    if isinstance(exc, DATABASE_ERRORS):
        logger.warning("database unavailable: %s", short_reason(exc))
        code, title, _text = MESSAGES[503]
        return Response(
            {"detail": str(title), "code": code},
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    if isinstance(exc, Http404):
        # Django's message names the model ("No Case matches…") and is not translated.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(response.data, list):
            # A service's error without a field: one object shape for every 400, as the
            # schema says (DRF would answer a bare list).
            response.data = {api_settings.NON_FIELD_ERRORS_KEY: response.data}
        return response
    codes = exc.get_codes()
    if isinstance(codes, str):  # a structured detail (a custom error) keeps its shape
        response.data = {"detail": str(exc.detail), "code": codes}
    return response
