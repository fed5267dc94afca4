from __future__ import annotations

from django.urls import path

from grassroots.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("places/<id:pk>/", views.place, name="place"),
    path("places/<id:pk>/export/<slug:chart>/", views.place_export, name="place_export"),
    path("orgs/<id:pk>/", views.org, name="org"),
    path("orgs/<id:pk>/export/<slug:chart>/", views.org_export, name="org_export"),
]
