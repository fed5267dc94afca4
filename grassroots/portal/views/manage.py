"""The staff side of the portal: articles (write, images, publish) and disclosure items.

Who: `Cap.PUBLISH` over a whole town for articles, `Cap.DISCLOSE` into a branch for its
disclosure items. Anyone else gets 404, as for every other page out of reach.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.core import clock
from grassroots.core.roles import Cap
from grassroots.core.scoping import (
    Unscoped,
    get_visible_or_404,
    prefix_q,
    scope_for,
    unscoped,
)
from grassroots.grid.models import Place
from grassroots.party.models import Organization
from grassroots.portal import selectors, services
from grassroots.portal.forms import (
    ArticleForm,
    CaptionForm,
    DisclosureForm,
    ImageForm,
    PublishForm,
)
from grassroots.portal.models import Article, ArticleImage, Disclosure, publishing_paths
from grassroots.portal.sanitise import image_url

PER_PAGE = 30
TOWN_KINDS = (Place.Kind.TOWN, Place.Kind.SUBDISTRICT)


def _publisher(request: HttpRequest) -> None:
    if not scope_for(request.user).can(Cap.PUBLISH):
        raise Http404


def _discloser(request: HttpRequest) -> None:
    if not scope_for(request.user).can(Cap.DISCLOSE):
        raise Http404


def towns_for(user: Any) -> QuerySet:
    """Towns the user reaches as a whole (where they may publish)."""
    scope = scope_for(user)
    # Checked against the scope here: an organisation officer publishes for their
    # committee's town without reaching its places.
    towns = unscoped(Place, why=Unscoped.SYSTEM).filter(kind__in=TOWN_KINDS)
    if not scope.everything:
        towns = towns.filter(prefix_q("path", publishing_paths(scope)))
    return towns.order_by("path")


def branches_for(user: Any) -> QuerySet:
    scope = scope_for(user)
    branches = Organization.objects.visible_to(user).filter(kind=Organization.Kind.BRANCH)
    ids = [b.pk for b in branches if b.reached_by(scope)]
    return Organization.objects.visible_to(user).filter(pk__in=ids).order_by("path")


def snippet(image: ArticleImage) -> str:
    """The HTML an editor pastes into the body to place this image with its caption."""
    return (
        f'<figure><img src="{image_url(image.pk)}" alt="{escape(image.caption)}">'
        f"<figcaption>{escape(image.caption)}</figcaption></figure>"
    )


def _add_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _save(form: Form, write: Callable[[dict[str, Any]], Any]) -> Any:
    """Run a service with the form's data; None (and errors on the form) when it refuses."""
    if not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except ValidationError as exc:
        _add_errors(form, exc)
        return None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.can(Cap.PUBLISH) or scope.can(Cap.DISCLOSE)):
        raise Http404
    rows = selectors.staff_articles(request.user)
    status = request.GET.get("status") or ""
    if status in Article.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/manage/index.html",
        {
            "page": page,
            "status": status,
            "statuses": Article.Status.choices,
            "can_publish": scope.can(Cap.PUBLISH),
            "can_disclose": scope.can(Cap.DISCLOSE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    _publisher(request)
    towns = towns_for(request.user)
    if not towns.exists():
        raise Http404
    form = ArticleForm(request.POST or None, towns=towns)
    if request.method == "POST":
        created = _save(form, lambda d: services.article_create(actor=request.user, **d))
        if created is not None:
            messages.success(request, _("Draft saved."))
            return redirect("portal:manage_article", pk=created.pk)
    return render(request, "portal/manage/article_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _publisher(request)
    found = get_visible_or_404(Article, request.user, pk=pk)
    form = ArticleForm(
        request.POST or None,
        towns=towns_for(request.user),
        editing=True,
        initial={
            "collection": found.collection,
            "title": found.title,
            "source": found.source,
            "author": found.author,
            "summary": found.summary,
            "body": found.body,
        },
    )
    if request.method == "POST":
        saved = _save(
            form, lambda d: services.article_update(actor=request.user, article=found, **d)
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("portal:manage_article", pk=found.pk)
    images = ArticleImage.objects.visible_to(request.user).filter(article=found)
    return render(
        request,
        "portal/manage/article.html",
        {
            "article": found,
            "form": form,
            "images": [
                {
                    "image": i,
                    "snippet": snippet(i),
                    "caption_form": CaptionForm(
                        initial={"caption": i.caption}, prefix=f"img{i.pk}"
                    ),
                }
                for i in images
            ],
            "image_form": ImageForm(prefix="image"),
            "publish_form": PublishForm(prefix="publish"),
            "is_live": services.is_live(found, clock.now()),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def article_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _publisher(request)
    found = get_visible_or_404(Article, request.user, pk=pk)
    form = PublishForm(request.POST, prefix="publish")
    if form.is_valid():
        services.article_publish(actor=request.user, article=found, at=form.at())
        if found.status == Article.Status.SCHEDULED:
            messages.success(request, _("The article will be published at the time set."))
        else:
            messages.success(request, _("The article is published."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("portal:manage_article", pk=found.pk)


@login_required
@require_POST
def article_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    _publisher(request)
    found = get_visible_or_404(Article, request.user, pk=pk)
    services.article_unpublish(actor=request.user, article=found)
    messages.success(request, _("The article is no longer on the portal."))
    return redirect("portal:manage_article", pk=found.pk)


@login_required
@require_POST
def image_add(request: HttpRequest, pk: int) -> HttpResponse:
    _publisher(request)
    found = get_visible_or_404(Article, request.user, pk=pk)
    form = ImageForm(request.POST, request.FILES, prefix="image")
    added = _save(
        form,
        lambda d: services.image_add(
            actor=request.user, article=found, upload=d["image"], caption=d["caption"]
        ),
    )
    if added is None:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    else:
        messages.success(
            request,
            _(
                "Image added. Copy its snippet from the list of images into the body, "
                "or it follows the text."
            ),
        )
    return redirect(reverse("portal:manage_article", args=[found.pk]) + "#images")


@login_required
@require_http_methods(["GET", "POST"])
def image(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the picture (staff see a draft's pictures too); POST: caption, move or remove."""
    _publisher(request)
    found = get_visible_or_404(ArticleImage, request.user, pk=pk)
    if request.method == "GET":
        try:
            handle = found.image.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        response = FileResponse(handle, content_type=found.content_type)
        response["Cache-Control"] = "private, no-store"
        return response
    article_pk = found.article_id
    action = request.POST.get("do")
    if action == "remove":
        services.image_remove(actor=request.user, image=found)
    elif action in ("up", "down"):
        services.image_update(actor=request.user, image=found, move=-1 if action == "up" else 1)
    else:
        form = CaptionForm(request.POST, prefix=f"img{found.pk}")
        if form.is_valid():
            services.image_update(
                actor=request.user, image=found, caption=form.cleaned_data["caption"]
            )
    return redirect(reverse("portal:manage_article", args=[article_pk]) + "#images")


# --- disclosure -----------------------------------------------------------------------


@login_required
def disclosures(request: HttpRequest) -> HttpResponse:
    _discloser(request)
    rows = selectors.staff_disclosures(request.user)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/manage/disclosures.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_new(request: HttpRequest) -> HttpResponse:
    _discloser(request)
    branches = branches_for(request.user)
    if not branches.exists():
        raise Http404
    form = DisclosureForm(request.POST or None, branches=branches)
    if request.method == "POST":
        created = _save(form, lambda d: services.disclosure_create(actor=request.user, **d))
        if created is not None:
            messages.success(request, _("Saved."))
            return redirect("portal:manage_disclosures")
    return render(
        request,
        "portal/manage/disclosure_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _discloser(request)
    found = get_visible_or_404(Disclosure, request.user, pk=pk)
    form = DisclosureForm(
        request.POST or None,
        branches=branches_for(request.user),
        editing=True,
        initial={
            "quarter": found.quarter,
            "category": found.category,
            "title": found.title,
            "body": found.body,
        },
    )
    if request.method == "POST":
        saved = _save(
            form, lambda d: services.disclosure_update(actor=request.user, item=found, **d)
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("portal:manage_disclosures")
    return render(
        request,
        "portal/manage/disclosure_form.html",
        {"form": form, "item": found},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def disclosure_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _discloser(request)
    found = get_visible_or_404(Disclosure, request.user, pk=pk)
    publish = request.POST.get("publish") != "0"
    services.disclosure_publish(actor=request.user, item=found, publish=publish)
    return redirect("portal:manage_disclosures")
