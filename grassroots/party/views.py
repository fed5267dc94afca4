"""Pages of the Party registry: the organisation tree, one organisation, an instructor's branches."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.party import selectors, services
from grassroots.party.forms import GuidanceVisitForm
from grassroots.party.models import GuidanceAssignment, GuidanceVisit, Member, Organization

MEMBERS_PER_PAGE = 50


SEARCH_MAX_CHARS = 50


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """The organisation tree: two levels open, the rest loaded when opened; or a search.

    `?children=<id>` answers one node's children (a fragment to htmx, a page
    rooted at that node otherwise); `?q=` lists the organisations whose name matches.
    """
    user = request.user
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_CHARS]
    context: dict[str, object] = {"q": query, "results": None, "focus": None}
    if query:
        context["results"] = selectors.search(user, query)
        context["roots"] = []
    elif request.GET.get("children"):
        focus = get_visible_or_404(Organization, user, pk=request.GET["children"])
        if request.htmx:
            kids = selectors.tree_level(user, focus)
            return render(request, "party/_nodes.html", {"nodes": kids})
        context.update(roots=[selectors.subtree(user, focus)], focus=focus)
    else:
        context["roots"] = selectors.tree_level(user, levels=selectors.TREE_OPEN_LEVELS)
    if request.htmx and not request.htmx.boosted and "q" in request.GET:
        return render(request, "party/_tree_body.html", context)
    return render(request, "party/tree.html", context)


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    org = get_visible_or_404(Organization.objects.select_related("place"), user, pk=pk)
    members = (
        Member.objects.visible_to(user)
        .filter(org_path__startswith=org.path, active=True)
        .select_related("organization")
    )
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    full, probationary = selectors.subtree_counts(user, org)
    assignments = (
        GuidanceAssignment.objects.visible_to(user)
        .filter(organization=org)
        .select_related("instructor")
    )
    all_visits = GuidanceVisit.objects.visible_to(user).filter(
        organization__path__startswith=org.path
    )
    visits = all_visits.select_related("instructor", "organization")[:20]
    ancestors = [
        org.path[:i] for i in range(Organization.steplen, len(org.path), Organization.steplen)
    ]
    crumbs = list(Organization.objects.visible_to(user).filter(path__in=ancestors).order_by("path"))
    scope = scope_for(user)
    return render(
        request,
        "party/org_detail.html",
        {
            "org": org,
            "page": page,
            "full": full,
            "probationary": probationary,
            "assignments": assignments,
            "visits": visits,
            "visit_count": all_visits.count(),
            "below": selectors.tree_level(user, org),
            "crumbs": crumbs,
            "parent": crumbs[-1] if crumbs else None,
            "can_reveal": scope.can(Cap.REVEAL),
            "can_log": bool(scope.instructor_ids) and scope.can(Cap.LOG_GUIDANCE),
        },
    )


@login_required
def my_branches(request: HttpRequest) -> HttpResponse:
    rows = selectors.my_branches(request.user)
    return render(
        request,
        "party/my_branches.html",
        {"rows": rows, "form": GuidanceVisitForm(), "remind_days": selectors.remind_days()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def guidance_new(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_visible_or_404(Organization, request.user, pk=pk)
    scope = scope_for(request.user)
    if not (scope.instructor_ids and scope.can(Cap.LOG_GUIDANCE)):
        raise PermissionDenied
    form = GuidanceVisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.guidance_visit_log(
                actor=request.user,
                organization=org,
                topic=form.cleaned_data["topic"],
                notes=form.cleaned_data["notes"],
                visited_on=form.cleaned_data["visited_on"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Guidance visit to %(org)s recorded.") % {"org": org})
            return redirect("party:my_branches")
    return render(request, "party/guidance_form.html", {"org": org, "form": form})


@login_required
def guidance_visit(request: HttpRequest, pk: int) -> HttpResponse:
    """One guidance visit: shown with its branch (the link from a duty item it completed)."""
    visit = get_visible_or_404(GuidanceVisit, request.user, pk=pk)
    return redirect(reverse("party:org", args=[visit.organization_id]) + "#visits")
