from __future__ import annotations

from django.urls import path

from grassroots.bench import views

app_name = "bench"
urlpatterns = [
    path("ping", views.ping, name="ping"),
]
