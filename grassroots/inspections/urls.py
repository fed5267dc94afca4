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
    path("sets/new/", inspections.set_new, name="set_new"),
    path("sets/<id:pk>/<slug:action>/", inspections.set_act, name="set_act"),
    path("plans/", inspections.plans, name="plans"),
    path("plans/new/", inspections.plan_new, name="plan_new"),
    path("plans/<id:pk>/draw/", inspections.draw, name="draw"),
    path("campaigns/", campaigns.campaigns, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("campaigns/export/", campaigns.campaigns_export, name="campaigns_export"),
    path("campaigns/<id:pk>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<id:pk>/apply/", campaigns.apply, name="apply"),
    path("applications/<id:pk>/", campaigns.application_detail, name="application"),
    path(
        "applications/<id:pk>/<slug:action>/",
        campaigns.application_act,
        name="application_act",
    ),
    path("notices/", campaigns.public_notices, name="public_notices"),
]
