from __future__ import annotations

from django.urls import path

from grassroots.grid import views

app_name = "grid"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("places/<int:pk>/", views.place, name="place"),
    path("households/", views.household_list, name="household_list"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/visit/", views.visit_new, name="visit_new"),
    path("mine/", views.mine, name="mine"),
]
