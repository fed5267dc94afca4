from __future__ import annotations

from django.urls import path

from grassroots.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("badge/", views.badge, name="badge"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/test/", views.send_test, name="send_test"),
    path("<id:pk>/read/", views.mark_read, name="read"),
    path("<id:pk>/open/", views.open_notice, name="open"),
]
