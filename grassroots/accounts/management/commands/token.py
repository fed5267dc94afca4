"""`grassroots token USERNAME`: print the user's API token, creating it if needed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from grassroots.accounts.models import User
from grassroots.accounts.services import token_issue


class Command(BaseCommand):
    help = "Print a user's REST API token (created on first use)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = User.objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"unknown user: {opts['username']}")
        if not user.is_active:
            raise CommandError(f"user {user.username} is inactive")
        self.stdout.write(token_issue(actor=None, user=user).key)
