"""The figures API's routes, included under /api/ in front of the router (grassroots/urls.py)."""

from __future__ import annotations

from django.urls import path

from grassroots.analytics import api

urlpatterns = [
    path("public/figures/", api.PublicFiguresView.as_view(), name="public-figures"),
    path("figures/places/<id:pk>/", api.PlaceFiguresView.as_view(), name="figures-place"),
    path("figures/orgs/<id:pk>/", api.OrgFiguresView.as_view(), name="figures-org"),
]
