from __future__ import annotations

from django.urls import path

from grassroots.sites import views

app_name = "sites"

urlpatterns = [
    path("", views.board, name="board"),
    path("export/", views.export, name="export"),
    path("new/", views.new, name="new"),
    path("<id:pk>/", views.project, name="project"),
    path("<id:pk>/edit/", views.edit, name="edit"),
    path("<id:pk>/reach/", views.reach, name="reach"),
    path("<id:pk>/checks/", views.check_add, name="check_add"),
    path("<id:pk>/photos/", views.photo_add, name="photo_add"),
    path("<id:pk>/visits/", views.visit_log, name="visit"),
    path("checks/<id:pk>/", views.check_set, name="check"),
    path("photos/<id:pk>/", views.photo, name="photo"),
]
