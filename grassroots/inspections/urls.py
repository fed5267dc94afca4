from __future__ import annotations

from django.urls import path

from grassroots.inspections.views import campaigns, inspections

app_name = "inspections"

urlpatterns = [
    path("", inspections.index, name="index"),
    path("export/", inspections.export, name="export"),
    path("new/", inspections.new, name="new"),
    path("<id:pk>/", inspections.detail, name="detail"),
    path("<id:pk>/score/", inspections.score, name="score"),
    path("<id:pk>/acknowledge/", inspections.acknowledge, name="acknowledge"),
    path("<id:pk>/rectify/", inspections.rectify, name="rectify"),
    path("sets/", inspections.indicator_sets, name="sets"),
    path("plans/", inspections.plans, name="plans"),
    path("campaigns/", campaigns.campaigns, name="campaigns"),
    path("campaigns/<id:pk>/", campaigns.campaign_detail, name="campaign"),
    path("notices/", campaigns.public_notices, name="public_notices"),
]
