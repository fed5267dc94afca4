from __future__ import annotations

from django.urls import path

from grassroots.rectify import views

app_name = "rectify"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("export/", views.ledger_export, name="export"),
    path("print/", views.ledger_print, name="print"),
    path("new/", views.item_new, name="new"),
    path("<id:pk>/", views.item_detail, name="item"),
    path("<id:pk>/act/<slug:action>/", views.item_act, name="act"),
    path("<id:pk>/extension/", views.extension_new, name="extension"),
    path("extensions/<id:pk>/decide/", views.extension_decide, name="decide"),
    path("evidence/<id:pk>/", views.evidence, name="evidence"),
]
