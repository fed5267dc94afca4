from __future__ import annotations

from django.urls import path

from grassroots.orglife import views

app_name = "orglife"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("export/", views.meeting_export, name="export"),
    path("<id:pk>/", views.meeting_detail, name="meeting"),
    path("<id:pk>/edit/", views.meeting_edit, name="edit"),
    path("<id:pk>/file/", views.meeting_file, name="file"),
]
