"""Pages: the inbox (with HTMX mark-read), the unread badge, preferences and test messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.core.scoping import get_visible_or_404
from grassroots.notify import services
from grassroots.notify.channels import DeliveryError
from grassroots.notify.filters import NoticeFilter
from grassroots.notify.forms import PreferenceForm
from grassroots.notify.models import Channel, Notice

PAGE_SIZE = 30


def _changed(response: HttpResponse) -> HttpResponse:
    # Tells the badge (listening on body) to refresh itself.
    response["HX-Trigger"] = "notices-changed"
    return response


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    filterset = NoticeFilter(request.GET, queryset=Notice.objects.visible_to(request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filterset": filterset,
        "unread": services.unread_count(request.user),
        "only_unread": request.GET.get("unread") in ("true", "1", "True"),
    }
    if request.htmx and request.htmx.target == "notice-list":
        return render(request, "notify/_list.html", context)
    return render(request, "notify/inbox.html", context)


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_visible_or_404(Notice, request.user, pk=pk)
    services.notice_mark_read(actor=request.user, notice=notice)
    if request.htmx:
        return _changed(render(request, "notify/_row.html", {"n": notice}))
    return redirect("notify:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notices_mark_all_read(actor=request.user)
    if request.htmx:
        page = Paginator(Notice.objects.visible_to(request.user), PAGE_SIZE).get_page(1)
        return _changed(render(request, "notify/_list.html", {"page": page, "unread": 0}))
    messages.success(request, _("%(count)d notices marked as read.") % {"count": count})
    return redirect("notify:inbox")


@login_required
@require_GET
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notice's link, marking it read on the way."""
    notice = get_visible_or_404(Notice, request.user, pk=pk)
    services.notice_mark_read(actor=request.user, notice=notice)
    target = notice.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notify:inbox")


@login_required
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    return render(request, "notify/_badge.html")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    pref = services.preference_for(request.user)
    form = PreferenceForm(request.POST or None, initial=PreferenceForm.initial_from(pref))
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        phone = values.pop("phone") or None
        if not values["dingtalk_secret"]:
            values.pop("dingtalk_secret")
        if not values["language"]:
            values.pop("language")
        try:
            services.preference_update(actor=request.user, phone=phone, **values)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your notification settings were saved."))
            return redirect("notify:preferences")
    return render(
        request,
        "notify/preferences.html",
        {
            "form": form,
            "pref": pref,
            "testable": [
                (c, Channel(c).label) for c in services.configured_channels(pref, request.user)
            ],
        },
    )


@login_required
@require_POST
def send_test(request: HttpRequest) -> HttpResponse:
    """Send a test message over one of the user's channels; the outcome is a message."""
    channel = request.POST.get("channel", "")
    label = dict(Channel.choices).get(channel, "")
    try:
        services.send_test_message(actor=request.user, channel=channel)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DeliveryError as exc:
        messages.error(
            request,
            _("The test message to %(channel)s could not be sent: %(reason)s.")
            % {"channel": label, "reason": services.failure_words(exc)},
        )
    else:
        messages.success(request, _("A test message was sent to %(channel)s.") % {"channel": label})
    return redirect("notify:preferences")
