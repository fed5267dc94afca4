"""The public portal's pages (no login) and the counter beacon.

Every page here is the same for everybody, so it is cacheable by any shared cache
(`public_page`): `Cache-Control: public, max-age=60`, no cookie set, and no
`Vary: Cookie` — the session middleware adds that header whenever the session was
read (the idle-timeout middleware reads it to learn whether someone is signed in),
but nothing on these pages depends on the session, so the decorator says so. If
anything did write the session or set a cookie, or the visitor chose a language with the
language cookie (the one cookie the content depends on), the page is `private`.

Counting therefore cannot happen while rendering: `static/portal/portal.js` posts to
`portal:hit` after the page loads, and the footer shows the answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from grassroots.analytics.selectors import public_figures
from grassroots.core import clock
from grassroots.core.glossary import PLACES
from grassroots.core.memo import Memo
from grassroots.portal import counter, selectors, services
from grassroots.portal.sanitise import image_url

MAX_AGE = 60
PER_PAGE = 20


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a page as the same for everyone: shared-cacheable, no cookie, no Vary: Cookie."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        session = getattr(request, "session", None)
        touched = session is not None and session.modified
        # The language comes from the language cookie (the portal ignores Accept-Language,
        # core.middleware): a page in a chosen language is that visitor's alone.
        chose_language = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        if (
            touched
            or chose_language
            or response.cookies
            or getattr(request, "META", {}).get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            patch_cache_control(response, private=True, max_age=0)
            return response
        if session is not None:
            session.accessed = False  # read only to learn who is signed in; the page ignores it
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    return wrapper


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    context.setdefault("visitor_total", selectors.visitor_total())
    context.setdefault("collections", selectors.collections())
    town = selectors.portal_town()
    context["portal_title"] = (
        _("%(town)s public portal") % {"town": town.name} if town else PLACES["portal"]
    )
    return render(request, template, context)


# The home page, rendered, per language and minute of the clock: the busiest public page is
# served without a query for up to MAX_AGE seconds in each process, the staleness a shared
# cache in front would add anyway. A change to an article, image, collection or disclosure
# in this process clears it (watched in PortalConfig.ready); the minute in the key lets a
# scheduled article appear on time.
HOME_PAGES: Memo[tuple[str, str], str] = Memo("portal home page", ttl=MAX_AGE, maxsize=16)


@require_GET
@public_page
def home(request: HttpRequest) -> HttpResponse:
    def build(_key: tuple[str, str]) -> str:
        context = {
            "sections": selectors.home_sections(),
            "figures": public_figures(),
            "notices": selectors.notices_now()[:5],
            "nav_current": "home",
        }
        return _render(request, "portal/home.html", context).content.decode()

    key = (get_language() or "", clock.now().strftime("%Y-%m-%dT%H:%M"))
    return HttpResponse(HOME_PAGES.get(key, build))


@require_GET
@public_page
def topic(request: HttpRequest, slug: str) -> HttpResponse:
    collection = selectors.collection_by_slug(slug)
    if collection is None:
        raise Http404
    rows = selectors.live_articles().filter(collection=collection)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return _render(
        request,
        "portal/topic.html",
        {"collection": collection, "page": page, "nav_current": f"topic:{slug}"},
    )


@require_GET
@public_page
def article(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.public_article(pk)
    if found is None:
        raise Http404
    images = [
        {"url": image_url(image.pk), "caption": image.caption}
        for image in selectors.public_images(found)
    ]
    in_body = {img["url"] for img in images if img["url"] in found.body}
    return _render(
        request,
        "portal/article.html",
        {
            "article": found,
            # Pictures the body does not place itself follow it, as figures with captions.
            "figures_after": [img for img in images if img["url"] not in in_body],
            "nav_current": f"topic:{found.collection.slug}",
        },
    )


@require_GET
@public_page
def figures(request: HttpRequest) -> HttpResponse:
    return _render(
        request, "portal/figures.html", {"figures": public_figures(), "nav_current": "figures"}
    )


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


@require_GET
@public_page
def disclosure(request: HttpRequest) -> HttpResponse:
    branch_id = _int(request.GET.get("branch"))
    quarters = selectors.disclosure_quarters()
    quarter = request.GET.get("quarter") or (quarters[0] if quarters else "")
    if quarter not in quarters:
        quarter = ""
    rows = selectors.disclosures_for(branch_id, quarter or None)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return _render(
        request,
        "portal/disclosure.html",
        {
            "page": page,
            "branches": selectors.disclosure_branches(),
            "quarters": quarters,
            "branch_id": branch_id,
            "quarter": quarter,
            "nav_current": "disclosure",
        },
    )


@require_GET
@public_page
def notices(request: HttpRequest) -> HttpResponse:
    return _render(
        request,
        "portal/notices.html",
        {"rows": selectors.notices_now(), "nav_current": "notices"},
    )


@require_GET
def image(request: HttpRequest, pk: int) -> FileResponse:
    """A live article's picture; a draft's pictures answer 404 (staff see them via manage)."""
    found = selectors.public_image(pk)
    if found is None:
        raise Http404
    try:
        handle = found.image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=found.content_type)
    patch_cache_control(response, public=True, max_age=3600)
    return response


@csrf_exempt  # no session, no authority: nothing a forged request could borrow
@require_POST
def hit(request: HttpRequest) -> JsonResponse:
    """The beacon: count this visitor once today (and the article's view), answer the totals."""
    visitor_id = request.COOKIES.get(counter.COOKIE)
    fresh = not counter.valid_visitor_id(visitor_id)
    if fresh:
        visitor_id = counter.new_visitor_id()
    totals = services.hit_record(
        actor=None, visitor_id=str(visitor_id), article_id=_int(request.POST.get("article"))
    )
    response = JsonResponse(totals)
    response["Cache-Control"] = "no-store"
    if fresh:
        response.set_cookie(
            counter.COOKIE,
            str(visitor_id),
            max_age=counter.COOKIE_AGE,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response
