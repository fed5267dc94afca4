from __future__ import annotations

from django.urls import path

from grassroots.core import views

app_name = "core"
urlpatterns = [
    path("reveal/<str:label>/<id:pk>/<str:field>/", views.reveal, name="reveal"),
]
