from __future__ import annotations

from django.urls import path

from grassroots.alliances.views import alliance_pages as a
from grassroots.alliances.views import project_pages as p

app_name = "alliances"

urlpatterns = [
    path("", a.alliance_list, name="list"),
    path("new/", a.alliance_form, name="alliance_new"),
    path("export/", a.alliance_export, name="export"),
    path("<id:pk>/", a.alliance_detail, name="alliance"),
    path("<id:pk>/edit/", a.alliance_form, name="alliance_edit"),
    path("<id:pk>/members/", a.member_add, name="member_add"),
    path("<id:pk>/members/<id:member_pk>/remove/", a.member_remove, name="member_remove"),
    path("projects/", p.project_list, name="projects"),
    path("projects/new/", p.project_form, name="project_new"),
    path("projects/export/", p.project_export, name="project_export"),
    path("projects/<id:pk>/", p.project_detail, name="project"),
    path("projects/<id:pk>/edit/", p.project_form, name="project_edit"),
    path("projects/<id:pk>/milestones/", p.milestone_add, name="milestone_add"),
    path("milestones/<id:pk>/tick/", p.milestone_tick, name="milestone_tick"),
]
