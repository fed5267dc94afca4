"""`grassroots demo [--reset]`: load the demo town once and print the logins."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from grassroots.demo import loader, people


class Command(BaseCommand):
    help = (
        "Load the demo town 路口镇 (idempotent); --reset deletes the demo data and loads it again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="delete the demo data and accounts first"
        )
        parser.add_argument(
            "--households",
            type=int,
            default=loader.HOUSEHOLDS,
            help="number of households (default: the full 6,896)",
        )
        parser.add_argument("--seed", type=int, default=loader.SEED)
        parser.add_argument(
            "--without-cases", action="store_true", help="skip the cases app's demo data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            deleted = loader.reset_demo(actor=loader.system_user())
            self.stdout.write(
                _("Demo data deleted (%(rows)d rows).") % {"rows": sum(deleted.values())}
            )
        result = loader.load_demo(
            households=options["households"],
            seed=options["seed"],
            extras=not options["without_cases"],
        )
        if result.created:
            counts = result.counts
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Demo town %(town)s loaded in %(seconds).1f s: %(households)d households, "
                        "%(representatives)d representatives, %(branches)d branches, "
                        "%(members)d Party members, %(instructors)d instructors."
                    )
                    % {"town": result.town.name, "seconds": result.seconds, **counts}
                )
            )
        else:
            self.stdout.write(
                _("Demo town %(town)s already loaded (use --reset to load it again).")
                % {"town": result.town.name}
            )
        for warning in result.warnings:
            self.stderr.write(_("Warning: %(text)s") % {"text": warning})
        self.print_logins(result.logins)
        self.print_patterns(people.login_patterns(result.town))

    def print_logins(self, logins: list[loader.DemoLogin]) -> None:
        port = os.environ.get("PORT", "8000")
        self.stdout.write("")
        self.stdout.write(_("Open http://127.0.0.1:%(port)s/ and log in as:") % {"port": port})
        header = (_("user"), _("role"), _("where"))
        rows = [header, *((x.username, x.role, x.where) for x in logins)]
        widths = [max(_display_width(r[i]) for r in rows) + 2 for i in (0, 1)]
        for username, role, where in rows:
            user_pad = " " * (widths[0] - _display_width(username))
            role_pad = " " * (widths[1] - _display_width(role))
            self.stdout.write(f"  {username}{user_pad}{role}{role_pad}{where}")

    def print_patterns(self, patterns: list[loader.DemoLogin]) -> None:
        self.stdout.write("")
        self.stdout.write(_("Every representative, secretary, instructor and handler has a login:"))
        width = max(_display_width(p.username) for p in patterns) + 2
        for p in patterns:
            pad = " " * (width - _display_width(p.username))
            self.stdout.write(f"  {p.username}{pad}{p.role}  {p.where}".rstrip())
        self.stdout.write(
            _("Password for every demo login: %(password)s") % {"password": loader.PASSWORD}
        )


def _display_width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters are two wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
