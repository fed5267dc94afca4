from __future__ import annotations

from django.urls import path

from grassroots.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.generate, name="new"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/xlsx/", views.download_xlsx, name="xlsx"),
    path("<id:pk>/pdf/", views.download_pdf, name="pdf"),
]
