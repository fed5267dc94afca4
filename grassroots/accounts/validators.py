"""Password rules beyond Django's: never the username (in any case, or reversed)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class NotUsernameValidator:
    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").strip().casefold()
        if not username:
            return
        plain = password.strip().casefold()
        if plain in (username, username[::-1]):
            raise ValidationError(
                _("The password cannot be the username."), code="password_is_username"
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be your username.")
