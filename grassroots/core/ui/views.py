"""The kit's own pages: "Me" (account, roles, language, log out) and the styleguide."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from grassroots.core.roles import Role
from grassroots.core.scoping import scope_for


@login_required
def me(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    roles = [Role(r).label for r in sorted(scope.roles) if r in Role.values]
    return render(request, "core/ui/me.html", {"roles": roles})


def sees_styleguide(user: object) -> bool:
    return bool(getattr(user, "is_staff", False))


@login_required
def styleguide(request: HttpRequest) -> HttpResponse:
    if not sees_styleguide(request.user):
        raise Http404
    return render(request, "core/ui/styleguide.html", {})
