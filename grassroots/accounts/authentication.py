"""API token authentication with a short per-process memory (decision 0007).

DRF's `TokenAuthentication` reads the token and its user on every request. A
client filing cases or polling a list sends the same token again and again, so
each worker process remembers a valid token's user, and the scope computed for
that user, for `TOKEN_TTL` seconds. Deleting the token, saving the user, or
changing anything the scope is computed from clears the memory at once in the
process that made the change; other processes follow at their next request when
Redis is configured (core.memo, decision 0025), else within `TOKEN_TTL`.
Invalid tokens are never remembered.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from grassroots.accounts.models import RoleAssignment, User
from grassroots.core.memo import Memo
from grassroots.grid.models import Representative
from grassroots.party.models import GuidanceAssignment, Instructor, Organization

TOKEN_TTL = 30.0

TOKENS: Memo[str, tuple[Any, Any]] = Memo("api tokens", ttl=TOKEN_TTL)


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = TOKENS.get(key, super().authenticate_credentials)  # type: ignore[misc]
        if getattr(user, "must_change_password", False):
            # A temporary password (set by an administrator) is changed before any work.
            raise exceptions.PermissionDenied(
                _("Change your temporary password first."), code="password_change_required"
            )
        return user, token


def watch_scope_sources() -> None:
    """Forget remembered tokens whenever a user, a token or a scope source changes."""
    TOKENS.watch(
        Token, User, RoleAssignment, Representative, Instructor, GuidanceAssignment, Organization
    )
