"""`grassroots audit verify`, `audit seal`, `audit prune --before YYYY-MM-DD [--confirm]`.

verify exits 0 with one line on an intact log and 1 naming every changed, inserted or
removed row (decision 0015); it writes nothing. prune without --confirm only says what it
would remove.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grassroots.core import auditchain
from grassroots.core.management.arguments import date_argument


class Command(BaseCommand):
    help = "The audit log's hash chain: verify it, seal new rows, prune rows past retention."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check every row and the chain (read-only)")
        sub.add_parser("seal", help="chain the rows written since the last seal")
        prune = sub.add_parser("prune", help="remove sealed rows older than a date (≥ 183 days)")
        prune.add_argument("--before", type=date_argument, required=True, help="YYYY-MM-DD")
        prune.add_argument("--confirm", action="store_true", help="really remove them")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "verify":
            self._verify()
        elif action == "seal":
            try:
                count = auditchain.seal()
            except auditchain.Tampered as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"sealed {count} rows")
        else:
            self._prune(options["before"], confirm=options["confirm"])

    def _verify(self) -> None:
        report = auditchain.verify()
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.intact:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())

    def _prune(self, before: dt.date, *, confirm: bool) -> None:
        limit = auditchain.earliest_allowed()
        if before > limit:
            raise CommandError(
                f"rows are kept at least {auditchain.RETENTION_DAYS} days: "
                f"--before must be {limit} or earlier"
            )
        if not confirm:
            count, last = auditchain.prune_plan(before)
            self.stdout.write(
                f"would remove {count} sealed rows (up to seq {last}); add --confirm to do it"
            )
            return
        try:
            done = auditchain.prune(before=before)
        except auditchain.Tampered as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"removed {done.count} rows; the chain now starts after seq {done.anchor_seq} "
            f"({done.anchor_hash[:16]})"
        )
