from __future__ import annotations

from django.urls import path  # noqa: F401

from grassroots.grid import views  # noqa: F401

app_name = "grid"
urlpatterns: list = []
