"""Sign-ins, failed sign-ins, lock-outs and sign-outs in the audit log (issue #14).

These happen inside Django's authentication and django-axes, not in a service of ours,
so the only place to hear them is their signals; the receivers do nothing but record
(connected in `CoreConfig.ready`). The source address comes from the request
(`core.middleware.AuditSourceMiddleware`); a failed sign-in names the username tried,
never the password.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from grassroots.core import audit
from grassroots.core.audit import Action, Result

USERNAME_MAX = 150


def _username(credentials: dict[str, Any] | None) -> str:
    return str((credentials or {}).get("username", ""))[:USERNAME_MAX]


def logged_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, action=Action.ACCOUNTS_LOGGED_IN, obj=user)


def logged_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, action=Action.ACCOUNTS_LOGGED_OUT, obj=user)


def login_failed(sender: Any, credentials: Any = None, request: Any = None, **kwargs: Any) -> None:
    audit.record(
        actor=None,
        action=Action.ACCOUNTS_LOGIN_FAILED,
        object_type="accounts.user",
        data={"username": _username(credentials)},
        result=Result.FAILED,
    )


def locked_out(sender: Any, request: Any = None, username: str = "", **kwargs: Any) -> None:
    audit.record(
        actor=None,
        action=Action.ACCOUNTS_LOCKED_OUT,
        object_type="accounts.user",
        data={"username": str(username or "")[:USERNAME_MAX]},
        result=Result.REFUSED,
    )


def connect() -> None:
    user_logged_in.connect(logged_in, dispatch_uid="grassroots.audit.logged_in")
    user_logged_out.connect(logged_out, dispatch_uid="grassroots.audit.logged_out")
    user_login_failed.connect(login_failed, dispatch_uid="grassroots.audit.login_failed")
    user_locked_out.connect(locked_out, dispatch_uid="grassroots.audit.locked_out")
