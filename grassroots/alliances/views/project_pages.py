"""Innovation project pages: the list, one project with its milestones (a tap ticks one), forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.alliances import rules, services
from grassroots.alliances.filters import ProjectFilter
from grassroots.alliances.forms import MilestoneForm, ProjectForm
from grassroots.alliances.models import Alliance, InnovationProject, Milestone
from grassroots.alliances.views.common import add_errors, leads, require_edits, require_sees
from grassroots.core import audit, clock, xlsx
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for

PER_PAGE = 30


def _projects(request: HttpRequest) -> ProjectFilter:
    rows = InnovationProject.objects.visible_to(request.user).select_related(
        "organization", "alliance"
    )
    return ProjectFilter(request.GET, queryset=rows, request=request)


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    require_sees(request)
    found = _projects(request)
    page = Paginator(found.qs, PER_PAGE).get_page(request.GET.get("page"))
    scope = scope_for(request.user)
    return render(
        request,
        "alliances/project_list.html",
        {
            "filter": found,
            "page": page,
            "today": clock.today(),
            "can_edit": rules.edits(scope),
            "can_export": scope.can(Cap.EXPORT),
            "query": request.GET.urlencode(),
            "active_filters": sum(1 for k in found.form.fields if request.GET.get(k)),
        },
    )


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_sees(request)
    user = request.user
    project = get_visible_or_404(
        InnovationProject.objects.select_related("organization", "alliance"), user, pk=pk
    )
    milestones = Milestone.objects.visible_to(user).filter(project=project)
    can_edit = rules.edits(scope_for(user), project.organization)
    alliance_visible = (
        project.alliance_id is not None
        and Alliance.objects.visible_to(user).filter(pk=project.alliance_id).exists()
    )
    return render(
        request,
        "alliances/project_detail.html",
        {
            "project": project,
            "milestones": milestones,
            "today": clock.today(),
            "can_edit": can_edit,
            "alliance_visible": alliance_visible,
            "form": MilestoneForm() if can_edit else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_sees(request)
    user = request.user
    project = None
    initial = {}
    if pk is not None:
        project = get_visible_or_404(
            InnovationProject.objects.select_related("organization"), user, pk=pk
        )
        require_edits(request, project.organization)
        initial = {
            "title": project.title,
            "organization": project.organization,
            "alliance": project.alliance,
            "goals": project.goals,
            "starts_on": project.starts_on,
            "due_on": project.due_on,
            "status": project.status,
            "progress": project.progress,
        }
    else:
        require_edits(request)
    alliances = Alliance.objects.visible_to(user).order_by("name")
    form = ProjectForm(
        request.POST or None, initial=initial, leads=leads(user), alliances=alliances
    )
    if project is not None:
        form.fields["organization"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if project is None:
                data["progress"] = data["progress"] or 0
                project = services.project_create(actor=user, **data)
            else:
                data.pop("organization")
                services.project_update(actor=user, project=project, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Project %(title)s saved.") % {"title": project.title})
            return redirect("alliances:project", project.pk)
    return render(request, "alliances/project_form.html", {"form": form, "project": project})


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_sees(request)
    project = get_visible_or_404(
        InnovationProject.objects.select_related("organization"), request.user, pk=pk
    )
    require_edits(request, project.organization)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, _("Milestone added."))
    return redirect("alliances:project", project.pk)


@login_required
@require_POST
def milestone_tick(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap: done today, or (when already done) not done."""
    require_sees(request)
    milestone = get_visible_or_404(
        Milestone.objects.select_related("project__organization"), request.user, pk=pk
    )
    require_edits(request, milestone.project.organization)
    done = milestone.done_on is None
    services.milestone_tick(actor=request.user, milestone=milestone, done=done)
    if done:
        messages.success(request, _("%(title)s is done.") % {"title": milestone.title})
    else:
        messages.info(request, _("%(title)s is open again.") % {"title": milestone.title})
    return redirect("alliances:project", milestone.project_id)


@login_required
def project_export(request: HttpRequest) -> HttpResponse:
    require_sees(request)
    if not scope_for(request.user).can(Cap.EXPORT):
        raise PermissionDenied
    projects = list(_projects(request).qs.prefetch_related("milestones"))
    today = clock.today()
    headers = [
        _("Title"),
        _("Lead branch"),
        _("Alliance"),
        _("Status"),
        _("Progress (%)"),
        _("Starts on"),
        _("Due on"),
        _("Overdue milestones"),
        _("Goals"),
    ]
    rows = [
        (
            p.title,
            p.organization.name,
            p.alliance.name if p.alliance else "",
            p.get_status_display(),
            p.progress,
            p.starts_on,
            p.due_on,
            sum(1 for m in p.milestones.all() if m.done_on is None and m.due_on < today),
            p.goals,
        )
        for p in projects
    ]
    milestone_headers = [_("Project"), _("Milestone"), _("Due on"), _("Done on")]
    milestone_rows = [
        (p.title, m.title, m.due_on, m.done_on) for p in projects for m in p.milestones.all()
    ]
    content = xlsx.table_workbook(
        [
            (_("Innovation projects"), headers, rows),
            (_("Milestones"), milestone_headers, milestone_rows),
        ]
    )
    audit.record(
        actor=request.user,
        action=Action.ALLIANCES_EXPORTED,
        object_type="alliances.innovationproject",
        data={"rows": len(rows), "query": request.GET.urlencode()[:500]},
    )
    return xlsx.attachment(content, f"projects-{today:%Y%m%d}.xlsx")
