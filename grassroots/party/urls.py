from __future__ import annotations

from django.urls import path

from grassroots.party import views

app_name = "party"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("orgs/<id:pk>/", views.org_detail, name="org"),
    path("mine/", views.my_branches, name="my_branches"),
    path("orgs/<id:pk>/guidance/", views.guidance_new, name="guidance_new"),
    path("visits/<id:pk>/", views.guidance_visit, name="guidance_visit"),
]
