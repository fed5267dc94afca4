"""Routes of the check-in part: the phone's link, the venue screen, by hand, online study."""

from __future__ import annotations

from django.urls import URLPattern, path

from grassroots.trainings.views import checkin, checkin_online, checkin_screen

urlpatterns: list[URLPattern] = [
    # The link in the venue's QR code: short, so the code stays coarse enough for any camera.
    path("c/<id:session>/<id:venue>/<str:token>/", checkin.check_in, name="checkin"),
    path("sessions/<id:pk>/screen/<id:venue>/", checkin_screen.venue_screen, name="venue_screen"),
    path(
        "sessions/<id:pk>/screen/<id:venue>/live/",
        checkin_screen.venue_screen_live,
        name="venue_screen_live",
    ),
    path("sessions/<id:pk>/hand/<id:venue>/", checkin_screen.hand, name="hand"),
    path("sessions/<id:pk>/study/", checkin_online.study, name="study"),
    path("sessions/<id:pk>/study/beat/", checkin_online.beat, name="study_beat"),
    path("sessions/<id:pk>/video/", checkin_online.video, name="video"),
]
