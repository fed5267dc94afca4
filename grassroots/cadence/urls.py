from __future__ import annotations

from django.urls import path

from grassroots.cadence import views

app_name = "cadence"

urlpatterns = [
    path("arrangements/", views.arrangement_list, name="arrangements"),
    path("arrangements/<id:pk>/", views.arrangement_detail, name="arrangement"),
    path("arrangements/<id:pk>/xlsx/", views.arrangement_xlsx, name="arrangement_xlsx"),
    path("arrangements/<id:pk>/pdf/", views.arrangement_pdf, name="arrangement_pdf"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<str:period>/", views.review_detail, name="review"),
    path("reviews/<str:period>/xlsx/", views.review_xlsx, name="review_xlsx"),
    path("reviews/<str:period>/pdf/", views.review_pdf, name="review_pdf"),
    path("instructors/", views.instructors, name="instructors"),
    path("instructors/xlsx/", views.instructors_xlsx, name="instructors_xlsx"),
]
