from __future__ import annotations

from django.urls import path

from grassroots.grid import picker, views

app_name = "grid"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("places/<id:pk>/", views.place, name="place"),
    path("households/", views.household_list, name="household_list"),
    path("households/<id:pk>/", views.household_detail, name="household"),
    path("households/<id:pk>/visit/", views.visit_new, name="visit_new"),
    path("mine/", views.mine, name="mine"),
    path("picker/", picker.picker, name="picker"),
]
