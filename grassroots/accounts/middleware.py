"""Log a user out after a period without requests (IDLE_TIMEOUT_SECONDS); keep a user with a
temporary password on the change-password page until they choose their own."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from grassroots.core import clock

KEY = "_last_seen"
PASSWORD_CHANGE_REQUIRED = "password_change_required"  # noqa: S105 - an error code


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = clock.now().timestamp()
            last = request.session.get(KEY)
            if last is not None and now - float(last) > settings.IDLE_TIMEOUT_SECONDS:
                logout(request)
            elif last is None or now - float(last) > 60:
                # Refresh at most once a minute, so most requests write no session row.
                request.session[KEY] = now
        return self.get_response(request)


# The pages a user who must change their password may still open.
PASSWORD_FREE_PREFIXES = ("/static/", "/media/", "/i18n/", "/healthz")
PASSWORD_FREE_NAMES = ("accounts:password_change", "accounts:logout")


class MustChangePasswordMiddleware:
    """A user with a temporary password sees only the change-password page until changed.

    Pages redirect to it (keeping where the user was going); API requests answer 403
    `{"detail": …, "code": "password_change_required"}`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not self._free(request.path)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": str(_("Change your temporary password first.")),
                        "code": PASSWORD_CHANGE_REQUIRED,
                    },
                    status=403,
                )
            target = reverse("accounts:password_change")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _free(path: str) -> bool:
        if path.startswith(PASSWORD_FREE_PREFIXES):
            return True
        return path in {reverse(name) for name in PASSWORD_FREE_NAMES}
