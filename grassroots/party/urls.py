from __future__ import annotations

from django.urls import path  # noqa: F401

from grassroots.party import views  # noqa: F401

app_name = "party"
urlpatterns: list = []
