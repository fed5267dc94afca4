from __future__ import annotations

from django.urls import path

from grassroots.core import views
from grassroots.core.ui import views as ui

app_name = "core"
urlpatterns = [
    path("reveal/<str:label>/<id:pk>/<str:field>/", views.reveal, name="reveal"),
    path("me/", ui.me, name="me"),
    path("styleguide/", ui.styleguide, name="styleguide"),
]
