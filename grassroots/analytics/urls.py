from __future__ import annotations

from django.urls import path

from grassroots.analytics import views

app_name = "analytics"
urlpatterns = [
    path("places/<id:pk>/", views.place_figures, name="place_figures"),
]
