"""The town administrator's account pages (`/accounts/manage/…`, `Cap.MANAGE_ACCOUNTS`).

Every account is read through `Account.objects.visible_to` (a superuser, or an account of
another town, is a 404) and changed through `accounts.services`. A temporary password is
shown once, on the answer to the POST that made it (`no-store`), and never again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.accounts import roster, services, twofactor
from grassroots.accounts.forms import (
    AccountEditForm,
    AccountFilterForm,
    AccountForm,
    GrantForm,
    RepresentativeForm,
)
from grassroots.accounts.models import Account, RoleAssignment
from grassroots.core import xlsx
from grassroots.core.roles import INSTALLATION_CAPS, Cap
from grassroots.core.scoping import Scope, get_visible_or_404, scope_for
from grassroots.grid.models import Representative

PAGE_SIZE = 30


def may(scope: Scope, cap: str) -> bool:
    """A town administrator (over at least one town) does all of it; an installation
    administrator only what their capability names (decision 0020)."""
    if scope.everything or (scope.can(Cap.MANAGE_ACCOUNTS) and bool(scope.town_paths)):
        return True
    return cap != Cap.MANAGE_ACCOUNTS and scope.can(cap)


def manages(scope: Scope) -> bool:
    """The nav's and the list's check: any part of the accounts' work."""
    return any(may(scope, cap) for cap in (Cap.MANAGE_ACCOUNTS, *INSTALLATION_CAPS))


def _require(request: HttpRequest, cap: str | None = None) -> None:
    scope = scope_for(request.user)
    if not (manages(scope) if cap is None else may(scope, cap)):
        raise Http404


def _powers(request: HttpRequest) -> dict[str, bool]:
    scope = scope_for(request.user)
    return {
        "can_edit": may(scope, Cap.EDIT_ACCOUNTS),
        "can_grant": may(scope, Cap.GRANT_ROLES),
        "can_secure": may(scope, Cap.SECURE_ACCOUNTS),
        "can_link": may(scope, Cap.MANAGE_ACCOUNTS),
    }


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _filtered(request: HttpRequest) -> tuple[Any, AccountFilterForm]:
    form = AccountFilterForm(request.GET)
    rows = Account.objects.visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"]
            rows = rows.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
        if data["status"]:
            rows = rows.filter(is_active=data["status"] == "active")
        if data["role"]:
            held = RoleAssignment.objects.filter(role=data["role"], active=True)
            rows = rows.filter(pk__in=held.values("user_id"))
    return rows.order_by("username"), form


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    rows, form = _filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    active = sum(1 for k in ("q", "status", "role") if request.GET.get(k))
    context = {
        "page_obj": page,
        "filter_form": form,
        "active_filters": active or "",
        **_powers(request),
    }
    return render(request, "accounts/manage/list.html", context)


def _issued(request: HttpRequest, account: Any, password: str) -> HttpResponse:
    """The one page that shows a temporary password; never cached."""
    response = render(
        request, "accounts/manage/issued.html", {"account": account, "password": password}
    )
    add_never_cache_headers(response)
    return response


@login_required
def account_new(request: HttpRequest) -> HttpResponse:
    _require(request, Cap.EDIT_ACCOUNTS)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = services.temporary_password()
        try:
            account = services.user_create(
                actor=request.user,
                password=password,
                must_change_password=True,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _issued(request, account, password)
    return render(request, "accounts/manage/new.html", {"form": form})


def _account(request: HttpRequest, pk: int, cap: str | None = None) -> Account:
    _require(request, cap)
    return get_visible_or_404(Account, request.user, pk=pk)


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk, Cap.EDIT_ACCOUNTS if request.method == "POST" else None)
    initial = {"display_name": account.display_name, "email": account.email}
    form = AccountEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=account,
                display_name=data["display_name"],
                email=data["email"],
                phone=data["phone"] or None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:manage_account", pk=account.pk)
    assignments = RoleAssignment.objects.filter(user=account).select_related(
        "place", "organization", "granted_by", "ended_by"
    )
    context = {
        "account": account,
        "form": form,
        "current": [a for a in assignments.order_by("-created_at") if a.active],
        "history": assignments.order_by("-created_at"),
        "grant_form": GrantForm(user=request.user),
        "representative": Representative.objects.visible_to(request.user)
        .filter(user=account)
        .select_related("place")
        .first(),
        "representative_form": RepresentativeForm(user=request.user),
        "is_self": account.pk == request.user.pk,
        **_powers(request),
        "two_factor": twofactor.has_two_factor(account),
    }
    return render(request, "accounts/manage/detail.html", context)


@login_required
@require_POST
def account_grant(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk, Cap.GRANT_ROLES)
    form = GrantForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("accounts:manage_account", pk=account.pk)
    try:
        services.role_grant(actor=request.user, user=account, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Role granted."))
    return redirect("accounts:manage_account", pk=account.pk)


@login_required
@require_POST
def account_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk, Cap.GRANT_ROLES)
    assignment = RoleAssignment.objects.filter(
        user=account, pk=_int(request.POST.get("assignment"))
    ).first()
    if assignment is None:
        raise Http404
    services.role_revoke(actor=request.user, assignment=assignment)
    messages.success(request, _("Role revoked."))
    return redirect("accounts:manage_account", pk=account.pk)


def _int(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**63 else 0


@login_required
@require_POST
def account_active(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk, Cap.EDIT_ACCOUNTS)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=request.user, user=account, active=active)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Reactivated.") if active else _("Deactivated."))
    return redirect("accounts:manage_account", pk=account.pk)


@login_required
@require_POST
def account_password(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk, Cap.EDIT_ACCOUNTS)
    password = services.password_reset(actor=request.user, user=account)
    return _issued(request, account, password)


@login_required
@require_POST
def account_representative(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk, Cap.MANAGE_ACCOUNTS)
    if request.POST.get("unlink"):
        services.representative_unlink(actor=request.user, user=account)
        messages.success(request, _("No longer a representative's account."))
        return redirect("accounts:manage_account", pk=account.pk)
    form = RepresentativeForm(request.POST, user=request.user)
    if not form.is_valid():
        raise Http404
    try:
        services.representative_link(
            actor=request.user, user=account, representative=form.cleaned_data["representative"]
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Linked to the representative."))
    return redirect("accounts:manage_account", pk=account.pk)


@login_required
def roster_accounts(request: HttpRequest) -> HttpResponse:
    """Accounts for every representative of the roster without one, as a sheet to print."""
    _require(request, Cap.MANAGE_ACCOUNTS)
    if request.method == "POST":
        issued = roster.roster_accounts_create(actor=request.user)
        if not issued:
            messages.info(request, _("Every representative already has an account."))
            return redirect("accounts:manage_roster")
        response = xlsx.attachment(roster.workbook(issued), "representative-accounts.xlsx")
        add_never_cache_headers(response)
        return response
    waiting = roster.without_account(request.user)
    return render(request, "accounts/manage/roster.html", {"waiting": waiting})


# --- otp (issue #14): the security administrator's part of the account page


@login_required
@require_POST
def account_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk, Cap.SECURE_ACCOUNTS)
    twofactor.account_unlock(actor=request.user, user=account)
    messages.success(request, _("Unlocked."))
    return redirect("accounts:manage_account", pk=account.pk)


@login_required
@require_POST
def account_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk, Cap.SECURE_ACCOUNTS)
    if request.POST.get("reset") == "1":
        twofactor.two_factor_reset(actor=request.user, user=account)
    else:
        required = request.POST.get("required") == "1"
        twofactor.two_factor_require(actor=request.user, user=account, required=required)
    messages.success(request, _("Saved."))
    return redirect("accounts:manage_account", pk=account.pk)
