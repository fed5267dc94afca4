from __future__ import annotations

from django.urls import path

from grassroots.cases import exports, views

app_name = "cases"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.intake, name="intake"),
    path("suggest/", views.suggest, name="suggest"),
    path("board/", views.board, name="board"),
    path("measures/", views.measures_page, name="measures"),
    path("measures/export/", exports.measures_export, name="measures_export"),
    path("export/", exports.export, name="export"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/do/<slug:action>/", views.act, name="act"),
    path("<id:pk>/photos/<id:photo_pk>/", views.photo, name="photo"),
    path("<id:pk>/me-too/", views.me_too, name="me_too"),
    path("<id:pk>/report-in/<id:summons_pk>/", views.acknowledge, name="acknowledge"),
    path("report/", views.report, name="report"),
    path("report/done/", views.filed, name="filed"),
    path("track/", views.track_lookup, name="track_lookup"),
    path("track/<str:code>/", views.track, name="track"),
    path("public/", views.public_index, name="public_index"),
    path("public/<id:pk>/", views.public_board, name="public_board"),
]
