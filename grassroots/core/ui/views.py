"""The kit's own pages: "Me" (account, roles, language, log out) and the styleguide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from grassroots.core import clock
from grassroots.core.roles import Role
from grassroots.core.scoping import scope_for


@login_required
def me(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    roles = [Role(r).label for r in sorted(scope.roles) if r in Role.values]
    return render(request, "core/ui/me.html", {"roles": roles})


class SampleForm(forms.Form):
    """The styleguide's form: one field of each kind the kit draws."""

    name = forms.CharField(
        label=_("Head of household"), help_text=_("As on the residence booklet.")
    )
    phone = forms.CharField(label=_("Phone"), required=False)
    size = forms.IntegerField(label=_("People in the household"), min_value=1)
    day = forms.DateField(label=_("Date of the visit"), widget=forms.DateInput)
    mode = forms.ChoiceField(
        label=_("Visit mode"),
        choices=[("home", _("At home")), ("phone", _("By phone")), ("other", _("Elsewhere"))],
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)
    consent = forms.BooleanField(label=_("The resident agrees"), required=False)


def sees_styleguide(user: Any) -> bool:
    return bool(getattr(user, "is_staff", False))


@login_required
def styleguide(request: HttpRequest) -> HttpResponse:
    if not sees_styleguide(request.user):
        raise Http404
    now = clock.now()
    bad = SampleForm(data={"name": "", "phone": "1380000", "size": "0", "mode": "home"})
    bad.is_valid()
    context = {
        "form": SampleForm(initial={"day": now.date(), "mode": "home"}),
        "bad_form": bad,
        "page": Paginator(list(range(1, 101)), 10).get_page(request.GET.get("page", 3)),
        "events": [
            (now - dt.timedelta(days=2, hours=3), _("Submitted"), "代表丽塔"),
            (now - dt.timedelta(days=1, hours=1), _("Accepted"), "明月村书记"),
            (now - dt.timedelta(hours=2), _("Replied"), "镇水利站"),
        ],
        "rows": [
            ("ZX-0012", "道路破损", _("Urgent"), "urgent", "明月村 一组", 3),
            ("ZX-0013", "路灯不亮", _("Normal"), "muted", "上杉市村 二组", 0),
            ("ZX-0014", "垃圾清运不及时", _("Normal"), "muted", "明月村 四组", 12),
        ],
    }
    return render(request, "core/ui/styleguide.html", context)
