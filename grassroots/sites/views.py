"""Pages of branch-site construction: the board, its export, a project and its actions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.core import audit, clock, xlsx
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.sites import rules, selectors, services
from grassroots.sites.filters import ProjectFilter, reachable_branches
from grassroots.sites.forms import (
    CheckForm,
    DetailsForm,
    PhotoForm,
    ProjectForm,
    ReachForm,
    VisitForm,
)
from grassroots.sites.models import STAGES, CheckItem, Photo, Project, ProjectVisit

PER_PAGE = 30


def _require_sees(request: HttpRequest) -> None:
    if not rules.sees_sites(scope_for(request.user)):
        raise Http404


def _require_manages(request: HttpRequest) -> None:
    if not rules.manages_sites(scope_for(request.user)):
        raise Http404


def _filtered(request: HttpRequest) -> ProjectFilter:
    return ProjectFilter(request.GET, queryset=selectors.projects(request.user), request=request)


def _add_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _board_rows(page: Any) -> list[dict[str, Any]]:
    today = clock.today()
    rows = []
    for project in page.object_list:
        steps = selectors.steps_of(project)
        rows.append(
            {
                "project": project,
                "steps": [
                    {
                        "step": step,
                        "late": step.done_on is None
                        and step.planned_on is not None
                        and step.planned_on < today,
                    }
                    for step in steps
                ],
                "done": sum(1 for step in steps if step.done_on),
            }
        )
    return rows


@login_required
def board(request: HttpRequest) -> HttpResponse:
    _require_sees(request)
    projects = _filtered(request)
    page = Paginator(projects.qs, PER_PAGE).get_page(request.GET.get("page"))
    everything = selectors.projects(request.user)
    scope = scope_for(request.user)
    return render(
        request,
        "sites/board.html",
        {
            "filter": projects,
            "page": page,
            "rows": _board_rows(page),
            "tiles": selectors.stage_counts(everything),
            "total": everything.count(),
            "overdue": selectors.overdue_count(everything),
            "can_create": rules.manages_sites(scope),
            "can_export": scope.can(Cap.EXPORT),
            "query": request.GET.urlencode(),
            "active_filters": sum(1 for k in projects.form.fields if request.GET.get(k)),
        },
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    _require_sees(request)
    if not scope_for(request.user).can(Cap.EXPORT):
        raise PermissionDenied
    projects = _filtered(request).qs
    headers = [
        _("Branch"),
        pgettext("sites", "Name"),
        _("Stage reached"),
        _("Deadline"),
        _("Overdue"),
    ]
    headers += [_("Demonstration site"), _("Linked development projects")]
    for stage in STAGES:
        label = services.stage_label(stage)
        headers += [
            _("%(stage)s planned") % {"stage": label},
            _("%(stage)s done") % {"stage": label},
        ]
    stage_names = {stage: services.stage_label(stage) for stage in STAGES}
    yes, no, not_started = _("yes"), _("no"), str(selectors.NOT_STARTED)
    written = 0

    def rows() -> Iterator[list[Any]]:  # straight into the write-only sheet
        nonlocal written
        for (
            _pk,
            branch,
            name,
            stage,
            deadline,
            overdue,
            demo,
            linked,
        ), steps in selectors.export_rows(projects):
            row: list[Any] = [branch, name, stage_names.get(stage) or not_started]
            row += [deadline, yes if overdue else no, yes if demo else no, linked]
            for each in STAGES:
                row += steps.get(each, (None, None))
            written += 1
            yield row

    content = xlsx.table_workbook([(_("Site projects"), headers, rows())])
    audit.record(
        actor=request.user,
        action=Action.SITES_EXPORTED,
        object_type="sites.project",
        data={"rows": written, "query": request.GET.urlencode()[:500]},
    )
    return xlsx.attachment(content, "site-projects.xlsx")


def _detail_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    user = request.user
    scope = scope_for(user)
    manages = rules.manages_sites(scope)
    nxt = services.next_stage(project)
    may_reach = manages and nxt is not None
    if nxt in services.COMMITTEE_STAGES:
        may_reach = rules.accepts_sites(scope)
    today = clock.today()
    visits = (
        ProjectVisit.objects.visible_to(user)
        .filter(project=project)
        .select_related("visit__instructor")
        .order_by("-visit__visited_on", "-pk")
    )
    return {
        "project": project,
        "steps": [
            {
                "step": step,
                "late": step.done_on is None and step.planned_on and step.planned_on < today,
            }
            for step in selectors.steps_of(project)
        ],
        "next_stage": nxt,
        "next_label": services.stage_label(nxt) if nxt else "",
        "may_reach": may_reach,
        "manages": manages,
        "checks": CheckItem.objects.visible_to(user).filter(project=project).order_by("position"),
        "photos": Photo.objects.visible_to(user).filter(project=project),
        "visits": visits,
        "may_visit": scope.can(Cap.LOG_GUIDANCE) and getattr(user, "instructor", None) is not None,
        "linked": [line for line in project.linked_projects.splitlines() if line.strip()],
        "reach_form": ReachForm(prefix="reach"),
        "check_form": CheckForm(prefix="check"),
        "photo_form": PhotoForm(prefix="photo"),
        "visit_form": VisitForm(prefix="visit"),
    }


def _project(request: HttpRequest, pk: int) -> Project:
    _require_sees(request)
    return get_visible_or_404(selectors.projects(request.user), request.user, pk=pk)


@login_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    found = _project(request, pk)
    return render(request, "sites/project.html", _detail_context(request, found))


def _act(request: HttpRequest, found: Project, form: Form, call: Any) -> HttpResponse:
    """Run a service with a valid form; on an error show the page again with it."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You do not have permission to do this."))
        else:
            messages.success(request, _("Saved."))
            return redirect("sites:project", pk=found.pk)
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))
    context = _detail_context(request, found)
    context[f"{form.prefix}_form"] = form
    return render(request, "sites/project.html", context, status=400)


@login_required
@require_POST
def reach(request: HttpRequest, pk: int) -> HttpResponse:
    found = _project(request, pk)
    _require_manages(request)
    stage = services.next_stage(found) or ""
    return _act(
        request,
        found,
        ReachForm(request.POST, prefix="reach"),
        lambda d: services.stage_reach(
            actor=request.user, project=found, stage=stage, on=d["on"], note=d["note"]
        ),
    )


@login_required
@require_POST
def check_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _project(request, pk)
    _require_manages(request)
    return _act(
        request,
        found,
        CheckForm(request.POST, prefix="check"),
        lambda d: services.check_add(actor=request.user, project=found, text=d["text"]),
    )


@login_required
@require_POST
def check_set(request: HttpRequest, pk: int) -> HttpResponse:
    _require_sees(request)
    item = get_visible_or_404(CheckItem, request.user, pk=pk)
    _require_manages(request)
    try:
        services.check_set(actor=request.user, item=item, done=request.POST.get("done") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("sites:project", args=[item.project_id]) + "#checklist")


@login_required
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _project(request, pk)
    _require_manages(request)
    return _act(
        request,
        found,
        PhotoForm(request.POST, request.FILES, prefix="photo"),
        lambda d: services.photo_add(
            actor=request.user, project=found, upload=d["image"], caption=d["caption"]
        ),
    )


@login_required
@require_POST
def visit_log(request: HttpRequest, pk: int) -> HttpResponse:
    found = _project(request, pk)
    return _act(
        request,
        found,
        VisitForm(request.POST, prefix="visit"),
        lambda d: services.visit_log(actor=request.user, project=found, **d),
    )


def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A site photo, to who reaches the branch; 404 to anyone else, signed in or not."""
    found = get_visible_or_404(Photo, request.user, pk=pk)
    try:
        handle = found.image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=found.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = (
        f'inline; filename="site-photo-{found.pk}{found.image.name[-4:]}"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    _require_manages(request)
    scope = scope_for(request.user)
    branches = reachable_branches(request)
    reached = [b.pk for b in branches if b.reached_by(scope)]
    form = ProjectForm(
        request.POST or None,
        branches=branches.filter(pk__in=reached),
        committee=rules.accepts_sites(scope),
    )
    if request.method == "POST" and form.is_valid():
        data = form.details()
        try:
            created = services.project_create(actor=request.user, planned=form.planned(), **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("sites:project", pk=created.pk)
    return render(request, "sites/form.html", {"form": form, "project": None})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _project(request, pk)
    _require_manages(request)
    committee = rules.accepts_sites(scope_for(request.user))
    steps = {s.stage: s.planned_on for s in selectors.steps_of(found)}
    initial = {
        "name": found.name,
        "address": found.address,
        "area_m2": found.area_m2,
        "linked_projects": found.linked_projects,
        "notes": found.notes,
        "deadline": found.deadline,
        "is_demonstration": found.is_demonstration,
        **{f"planned_{stage}": when for stage, when in steps.items()},
    }
    form = DetailsForm(request.POST or None, initial=initial, committee=committee)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=found, **form.details())
            services.plan_set(actor=request.user, project=found, planned=form.planned())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("sites:project", pk=found.pk)
    return render(request, "sites/form.html", {"form": form, "project": found})
