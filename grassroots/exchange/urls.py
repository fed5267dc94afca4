from __future__ import annotations

from django.urls import path

from grassroots.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("template/<str:kind>.xlsx", views.template, name="template"),
    path("export/<str:kind>/", views.export, name="export"),
    path("tags/", views.tag_add, name="tag_add"),
]
