"""`grassroots restore ARCHIVE [--yes] [--force]`: load a backup into an empty database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.management.base import BaseCommand, CommandError, CommandParser

from grassroots.core import audit, backup
from grassroots.core.audit import Action


class Command(BaseCommand):
    help = (
        "Restore a `grassroots backup` archive: checks every checksum first, refuses a "
        "database of another vendor or one that holds data (unless --force), restores the "
        "media, then compares the row counts with the manifest. Stop the server and the "
        "worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that holds data"
        )
        parser.add_argument(
            "--check", action="store_true", help="only verify the archive; write nothing"
        )
        parser.add_argument(
            "--database-url", help="restore into this database instead of DATABASE_URL"
        )
        parser.add_argument("--media-root", type=Path, help="instead of MEDIA_ROOT")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup.verify(options["archive"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{options['archive'].name}: checksums match ({len(manifest['files'])} files); "
            f"{manifest['vendor']} database of {manifest.get('created_at', '?')}, "
            f"{len(manifest['tables'])} tables, {rows} rows"
        )
        if options["check"]:
            return
        database = target_database(options["database_url"])
        if not options["yes"]:
            confirm(database, options["force"])
        try:
            done = backup.restore(
                options["archive"],
                database=database,
                media_root=options["media_root"],
                force=options["force"],
            )
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        for warning in done.warnings:
            self.stderr.write(f"warning: {warning}")
        self.report(done, options)

    def report(self, done: backup.Restored, options: dict[str, Any]) -> None:
        if done.mismatches:
            lines = [
                f"{t}: {want} in the backup, {got} now"
                for t, (want, got) in done.mismatches.items()
            ]
            raise CommandError("row counts differ from the manifest:\n" + "\n".join(lines))
        self.stdout.write(
            f"restored {done.tables} tables and {done.media} media files; "
            f"row counts match the manifest ({done.rows} rows)"
        )
        if not options["database_url"]:
            audit.record(
                actor=None,
                action=Action.CORE_BACKUP_RESTORED,
                object_type="backup",
                object_id=options["archive"].name,
                data={"tables": done.tables, "rows": done.rows, "media": done.media},
            )


def target_database(url: str | None) -> dict[str, Any]:
    if not url:
        return backup.default_database()
    try:
        return dict(dj_database_url.parse(url))
    except ValueError as exc:
        raise CommandError(f"--database-url: {exc}") from exc


def confirm(database: dict[str, Any], force: bool) -> None:
    what = "REPLACE the content of" if force else "restore into"
    if not sys.stdin.isatty():
        raise CommandError(f"this would {what} {database['NAME']}: add --yes to go ahead")
    answer = input(f"{what} {database['NAME']}? [y/N] ")
    if answer.strip().lower() not in {"y", "yes"}:
        raise CommandError("nothing restored")
