from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from grassroots.accounts import password_views, twofactor_views, views

app_name = "accounts"
urlpatterns = [
    # --- otp (issue #14): the login asks for a second factor when the user has (or needs) one
    path("login/", twofactor_views.LoginView.as_view(), name="login"),
    path("login/code/", twofactor_views.login_code, name="login_code"),
    path("two-factor/", twofactor_views.two_factor, name="two_factor"),
    path("two-factor/off/", twofactor_views.two_factor_disable, name="two_factor_disable"),
    path("two-factor/codes/", twofactor_views.recovery_codes, name="recovery_codes"),
    path("manage/<id:pk>/unlock/", views.account_unlock, name="manage_unlock"),
    path("manage/<id:pk>/two-factor/", views.account_two_factor, name="manage_two_factor"),
    # --- end otp
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
