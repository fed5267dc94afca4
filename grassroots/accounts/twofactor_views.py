"""The two-step login and the two-factor pages (issue #14, decision 0020).

After a right password, a user with a confirmed device is not logged in yet: their id waits
in the session (`PENDING`, five minutes) until they type a current code or a recovery code
(`login_code`); only then are `login()` and `django_otp.login()` called. An administrator
who must enrol is taken to the enrolment page in the same pending state. A wrong code is a
failed sign-in for django-axes (it counts toward the lock-out) and for the audit log.
"""

from __future__ import annotations

from typing import Any, cast

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.accounts import twofactor
from grassroots.accounts.forms import CodeForm
from grassroots.accounts.models import User
from grassroots.core import clock

PENDING = "_two_factor_pending"
PENDING_SECONDS = 300


class LoginView(auth_views.LoginView):
    """Django's login page, with a second step for users who have (or need) a second factor."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if twofactor.has_two_factor(user):
            step = "accounts:login_code"
        elif twofactor.must_enrol(user):
            step = "accounts:two_factor"
        else:
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": clock.now().timestamp(),
            "next": self.get_success_url(),
        }
        return redirect(step)


def pending_user(request: HttpRequest) -> User | None:
    """The user who gave the right password and has yet to give a code (five minutes)."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if clock.now().timestamp() - float(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _finish(request: HttpRequest, user: User, device: Any) -> str:
    """Log the pending user in with their device; returns where they were going."""
    pending = request.session.pop(PENDING)
    login(request, user, backend=pending["backend"])
    django_otp.login(request, device)
    target = str(pending.get("next") or "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = resolve_url(settings.LOGIN_REDIRECT_URL)
    return target


def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or a recovery code."""
    user = pending_user(request)
    if user is None or not twofactor.has_two_factor(user):
        return redirect("accounts:login")
    credentials = {"username": user.username}
    if AxesProxyHandler.is_locked(request, credentials):
        request.session.pop(PENDING, None)
        return get_lockout_response(request, credentials=credentials)
    error = ""
    if request.method == "POST":
        device = twofactor.verify(user, request.POST.get("code", "")[:20])
        if device is not None:
            target = _finish(request, user, device)
            twofactor.second_factor_passed(user)
            return HttpResponseRedirect(target)
        twofactor.second_factor_failed(user)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        error = _("That code is not right. Type the code your app shows now.")
    return render(request, "accounts/login_code.html", {"error": error, "form": CodeForm()})


def _codes_page(request: HttpRequest, codes: list[str], target: str = "") -> HttpResponse:
    """The one page that shows recovery codes; never cached."""
    response = render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": target})
    add_never_cache_headers(response)
    return response


def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol (a QR code and the secret; confirm with a code) or, once enrolled, the state."""
    user: Any = request.user if request.user.is_authenticated else pending_user(request)
    if user is None:
        return redirect("accounts:login")
    signing_in = not request.user.is_authenticated
    if twofactor.has_two_factor(user):
        if signing_in:
            return redirect("accounts:login_code")
        context = {
            "left": twofactor.recovery_left(user),
            "required": twofactor.must_enrol_without(user),
            "codes_form": CodeForm(prefix="codes"),
            "off_form": CodeForm(prefix="off"),
        }
        return render(request, "accounts/two_factor.html", context)
    device = twofactor.pending_device(user)
    error = ""
    if request.method == "POST":
        try:
            codes = twofactor.two_factor_enrol(
                actor=user, device=device, code=request.POST.get("code", "")[:20]
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            target = _finish(request, user, device) if signing_in else ""
            if not signing_in:
                django_otp.login(request, device)
            return _codes_page(request, codes, target)
    context = {
        "qr": twofactor.qr_data_uri(device),
        "secret": twofactor.secret_text(device),
        "error": error,
        "signing_in": signing_in,
        "form": CodeForm(),
    }
    response = render(request, "accounts/two_factor_enrol.html", context)
    add_never_cache_headers(response)
    return response


def _signed_in(request: HttpRequest) -> User:
    return cast(User, request.user)  # behind login_required


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    try:
        twofactor.two_factor_disable(
            actor=_signed_in(request), code=request.POST.get("off-code", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Two-factor login is off."))
    return redirect("accounts:two_factor")


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = twofactor.recovery_codes_renew(
            actor=_signed_in(request), code=request.POST.get("codes-code", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("accounts:two_factor")
    return _codes_page(request, codes)
