from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from grassroots.accounts import password_views, views

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", password_views.password_change, name="password_change"),
    path("password/forgot/", password_views.password_forgot, name="password_forgot"),
    path("password/forgot/code/", password_views.password_forgot_code, name="password_code"),
    path("manage/", views.account_list, name="manage"),
    path("manage/new/", views.account_new, name="manage_new"),
    path("manage/roster/", views.roster_accounts, name="manage_roster"),
    path("manage/<id:pk>/", views.account_detail, name="manage_account"),
    path("manage/<id:pk>/grant/", views.account_grant, name="manage_grant"),
    path("manage/<id:pk>/revoke/", views.account_revoke, name="manage_revoke"),
    path("manage/<id:pk>/active/", views.account_active, name="manage_active"),
    path("manage/<id:pk>/password/", views.account_password, name="manage_password"),
    path(
        "manage/<id:pk>/representative/",
        views.account_representative,
        name="manage_representative",
    ),
]
