from __future__ import annotations

from django.urls import URLPattern

app_name = "sites"

urlpatterns: list[URLPattern] = []
