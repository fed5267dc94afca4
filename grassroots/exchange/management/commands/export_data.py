"""`grassroots export KIND FILE [--as USERNAME] [--reveal --reason TEXT] [--filter k=v]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils.translation import gettext as _

from grassroots.exchange import services
from grassroots.exchange.management.commands.import_data import acting_user


class Command(BaseCommand):
    help = "Export visible households or Party organisations to .xlsx (or .csv)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=services.KINDS)
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", help="acting user (default: first superuser)")
        parser.add_argument("--reveal", action="store_true", help="unmasked phones and IDs")
        parser.add_argument("--reason", default="", help="why (required with --reveal)")
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="household list filters, e.g. place=12 or tag=3",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        params = dict(f.split("=", 1) for f in options["filter"] if "=" in f)
        try:
            content, count = services.export_data(
                actor=acting_user(options["username"]),
                kind=options["kind"],
                params=params,
                reveal=options["reveal"],
                reason=options["reason"],
                fmt="csv" if path.suffix.lower() == ".csv" else "xlsx",
            )
        except Http404 as exc:
            raise CommandError(_("Not found in your area.")) from exc
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(str(exc) or exc.__class__.__name__) from exc
        path.write_bytes(content)
        self.stdout.write(
            self.style.SUCCESS(
                _("%(count)s rows written to %(path)s") % {"count": count, "path": path}
            )
        )
