"""Everyone's own password: change it (forced after a temporary one), or reset a forgotten one
with a code sent to the account's e-mail or phone (`accounts.reset`)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from grassroots.accounts import reset, services
from grassroots.accounts.forms import ForgotCodeForm, ForgotForm, OwnPasswordForm
from grassroots.accounts.models import User

THROTTLED = 429


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith("/") else "/"


@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required: never anonymous here
    form = OwnPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(actor=user, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Password changed."))
            return redirect(_next(request))
    context = {"form": form, "next": _next(request), "forced": user.must_change_password}
    return render(request, "accounts/password_change.html", context)


def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "-"


@never_cache
def password_forgot(request: HttpRequest) -> HttpResponse:
    form = ForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login = form.cleaned_data["login"]
        try:
            reset.reset_code_request(login=login, address=_address(request))
        except reset.TooManyRequests:
            return _throttled(request, "accounts/password_forgot.html", {"form": form})
        messages.info(
            request,
            _("If the account exists and has an e-mail or phone, a code was sent to it."),
        )
        code_form = ForgotCodeForm(initial={"login": login})
        return render(request, "accounts/password_forgot_code.html", {"form": code_form})
    return render(request, "accounts/password_forgot.html", {"form": form})


def _throttled(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    messages.error(request, _("Too many attempts. Try again in an hour."))
    return render(request, template, context, status=THROTTLED)


@never_cache
def password_forgot_code(request: HttpRequest) -> HttpResponse:
    form = ForgotCodeForm(request.POST or None)
    template = "accounts/password_forgot_code.html"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = reset.reset_code_confirm(
                login=data["login"],
                code=data["code"],
                password=data["password"],
                address=_address(request),
            )
        except reset.TooManyRequests:
            return _throttled(request, template, {"form": form})
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            if done:
                messages.success(request, _("Your password was changed. Log in with it."))
                return redirect("accounts:login")
            form.add_error("code", _("Wrong or expired code."))
    return render(request, template, {"form": form})
