from __future__ import annotations

from django.urls import path  # noqa: F401 - filled by the app's pages

app_name = "rectify"

urlpatterns: list = []
