"""`grassroots backup [--to DIR] [--keep N]`: one archive of the database and the media."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grassroots.core import backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump), the media files and a "
        "manifest into one .tar archive. The server may keep running."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to", type=Path, help="directory of the archive (default: GRASSROOTS_BACKUP_DIR)"
        )
        parser.add_argument(
            "--keep", type=int, help="then remove the oldest archives there beyond N"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup.create(to=options["to"])
            removed = backup.rotate(path.parent, options["keep"]) if options["keep"] else []
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{path} ({path.stat().st_size} bytes)")
        for old in removed:
            self.stdout.write(f"removed {old.name}")
