from __future__ import annotations

from django.urls import path

from grassroots.duties.views import board, plans, week

app_name = "duties"
urlpatterns = [
    path("", week.week, name="week"),
    path("a/<id:pk>/", week.assignment_detail, name="assignment"),
    path("a/<id:pk>/done/", week.complete, name="complete"),
    path("a/<id:pk>/undo/", week.undo, name="undo"),
    path("a/<id:pk>/step/", week.step, name="step"),
    path("a/<id:pk>/review/", week.review, name="review"),
    path("a/<id:pk>/file/", week.evidence_file, name="file"),
    path("board/", board.board, name="board"),
    path("board/export/", board.board_export, name="board_export"),
    path("branch/<id:pk>/", board.branch, name="branch"),
    path("branch/<id:pk>/export/", board.branch_export, name="branch_export"),
    path("plans/", plans.plan_list, name="plans"),
    path("plans/new/", plans.plan_new, name="plan_new"),
    path("plans/<id:pk>/", plans.plan_detail, name="plan"),
    path("plans/<id:pk>/publish/", plans.plan_publish, name="plan_publish"),
    path("plans/<id:pk>/close/", plans.plan_close, name="plan_close"),
    path("plans/<id:pk>/items/new/", plans.item_new, name="item_new"),
    path("items/<id:pk>/change/", plans.item_change, name="item_change"),
    path("items/<id:pk>/retire/", plans.item_retire, name="item_retire"),
]
