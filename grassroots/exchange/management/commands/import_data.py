"""`grassroots import KIND FILE [--dry-run] [--as USERNAME] [--town NAME]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.exchange import services


def acting_user(username: str | None) -> User:
    """--as USERNAME, else the first superuser (an operator at the console)."""
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        return user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError("No superuser exists; pass --as USERNAME.")
    return user


class Command(BaseCommand):
    help = "Import households or Party organisations from .xlsx/.csv: all rows or none."
    # Django's system checks cost 1.6 s a run (issue #15's benchmark), longer than the import of a
    # village; `grassroots check` and every server start run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=services.KINDS)
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate only")
        parser.add_argument("--as", dest="username", help="acting user (default: first superuser)")
        parser.add_argument("--town", help="town id, name or code (when several exist)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = acting_user(options["username"])
        try:
            report = services.import_file(
                actor=actor,
                kind=options["kind"],
                filename=path.name,
                data=path.read_bytes(),
                dry_run=options["dry_run"],
                town=options["town"],
            )
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        else:
            for line in services.iter_report_lines(report):
                self.stdout.write(line)
            counts = ", ".join(f"{k}={v}" for k, v in report.counts.items())
            if report.ok and report.dry_run:
                self.stdout.write(
                    self.style.SUCCESS(
                        _("Check passed, would import: %(counts)s") % {"counts": counts}
                    )
                )
            elif report.ok:
                self.stdout.write(
                    self.style.SUCCESS(_("Imported: %(counts)s") % {"counts": counts})
                )
            else:
                self.stdout.write(
                    _("%(n)s problems found: nothing was imported") % {"n": len(report.errors)}
                )
        if not report.ok:
            # Scripts (and CI) see a failed import by its exit status.
            raise SystemExit(1)
