"""`grassroots check`: Django's deployment checks plus our own."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from grassroots.core import personal
from grassroots.env import SECRET_KEY_MIN_LENGTH, SECRET_KEY_MIN_UNIQUE, strong_secret


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
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(self.style.SUCCESS("all checks passed"))
