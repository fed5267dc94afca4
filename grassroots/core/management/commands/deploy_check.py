"""`grassroots check`: Django's deployment checks plus our own."""

from __future__ import annotations

import urllib.parse
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from grassroots.core import personal
from grassroots.env import SECRET_KEY_MIN_LENGTH, SECRET_KEY_MIN_UNIQUE, strong_secret


# --- messages (issue #14)
def site_url_problem(site_url: str, *, production: bool) -> str:
    """What is wrong with the address links in messages start with ('' when nothing)."""
    parts = urllib.parse.urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        return f"GRASSROOTS_SITE_URL must look like https://town.example.cn, got {site_url!r}"
    if production and parts.hostname in ("127.0.0.1", "localhost", "::1"):
        return (
            "GRASSROOTS_SITE_URL points at this machine: links in e-mail, robot messages "
            "and SMS would not open; set it to the address people open"
        )
    return ""


# --- end messages


class Command(BaseCommand):
    help = "Run deployment checks: settings, keys, database and migrations."

    def handle(self, *args: Any, **opts: Any) -> None:
        problems: list[str] = []
        if settings.PRODUCTION:
            call_command("check", deploy=True)
        else:
            call_command("check")
            self.stdout.write(
                "note: GRASSROOTS_ENV is not production; keys may be generated under var/"
            )
        if not strong_secret(settings.SECRET_KEY):
            problems.append(
                f"GRASSROOTS_SECRET_KEY is too weak: use at least {SECRET_KEY_MIN_LENGTH} "
                f"characters with at least {SECRET_KEY_MIN_UNIQUE} different ones"
            )
        try:
            connection.ensure_connection()
        except Exception as exc:  # noqa: BLE001 - report any connection failure
            problems.append(f"database unreachable: {exc}")
        else:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if plan:
                problems.append(f"{len(plan)} migrations not applied; run `grassroots migrate`")
        try:
            personal.decrypt(personal.encrypt("check"))
        except Exception as exc:  # noqa: BLE001
            problems.append(f"GRASSROOTS_FIELD_KEY unusable: {exc}")
        # --- messages (issue #14)
        problem = site_url_problem(settings.SITE_URL, production=settings.PRODUCTION)
        if problem:
            problems.append(problem)
        if settings.PRODUCTION and not settings.EMAIL_HOST:
            self.stdout.write("note: GRASSROOTS_SMTP_HOST is not set; e-mail is not sent")
        # --- end messages
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(self.style.SUCCESS("all checks passed"))
