"""Routes of the programmes part (the check-in part has `urls_checkin`)."""

from __future__ import annotations

from django.urls import path

from grassroots.trainings.views import exports, people, programmes, sessions

urlpatterns = [
    path("", programmes.programme_list, name="list"),
    path("export/", exports.programme_export, name="list_export"),
    path("new/", programmes.programme_new, name="programme_new"),
    path("mine/", people.mine, name="mine"),
    path("hours/", people.hours_page, name="hours"),
    path("hours/export/", people.hours_export, name="hours_export"),
    path("hours/requirement/", people.hours_requirement, name="hours_requirement"),
    path("<id:pk>/", programmes.programme_detail, name="programme"),
    path("<id:pk>/edit/", programmes.programme_edit, name="programme_edit"),
    path("<id:pk>/do/<slug:action>/", programmes.programme_act, name="programme_act"),
    path("<id:pk>/sessions/new/", sessions.session_new, name="session_new"),
    path("<id:pk>/enrolments/", people.enrolment_list, name="enrolments"),
    path("<id:pk>/enrolments/export/", people.enrolment_export, name="enrolments_export"),
    path("enrolments/<id:pk>/<slug:action>/", people.enrolment_act, name="enrolment_act"),
    path("sessions/<id:pk>/", sessions.session_detail, name="session"),
    path("sessions/<id:pk>/export/", exports.session_export, name="session_export"),
    path("sessions/<id:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<id:pk>/makeup/", sessions.session_makeup, name="makeup"),
    path("sessions/<id:pk>/home/", sessions.session_home, name="home_lesson"),
]
