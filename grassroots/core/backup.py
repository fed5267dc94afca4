"""Backups (issue #14, decision 0017): one tar archive of the database, the media and a manifest.

An archive `grassroots-YYYYmmdd-HHMMSS.tar` holds the database dump (`backup_db`),
`media/…` (every file under MEDIA_ROOT) and, last, `manifest.json`: the format, when,
the database vendor and server version, the applied migrations, the row count of every
table at the snapshot, the sha256 of every other member, and a fingerprint of the
field key (sealed personal data reads back only under the same GRASSROOTS_FIELD_KEY;
the keys themselves are never in an archive). It is written as `.partial` and renamed
when complete, so a directory never shows half an archive.

A restore checks the whole archive before it writes anything, refuses a target of
another vendor or one that holds data (unless forced), loads the dump, writes the
media, and compares the target's row counts with the manifest's.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import re
import tarfile
import tempfile
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from grassroots.core import audit, backup_db, clock
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.backup_db import BackupError
from grassroots.core.models import AuditEvent

FORMAT = 1
MANIFEST = "manifest.json"
ARCHIVE_RE = re.compile(r"^grassroots-\d{8}-\d{6}\.tar$")
CHUNK = 1 << 20

__all__ = ["BackupError", "Restored", "create", "restore", "rotate", "verify"]


def default_database() -> dict[str, Any]:
    return connections["default"].settings_dict


def key_fingerprint() -> str:
    """Tells whether two installations share the field key, and nothing about the key."""
    mac = hmac.new(settings.FIELD_KEY.encode(), b"grassroots backup fingerprint", "sha256")
    return mac.hexdigest()[:16]


# --- writing --------------------------------------------------------------------------


class HashingReader(io.RawIOBase):
    """A file read once: into the archive and through sha256 at the same time."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.sha = raw, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha.update(data)
        return data


def add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> str:
    info = tarfile.TarInfo(arcname)
    with path.open("rb") as raw:
        info.size = os.fstat(raw.fileno()).st_size
        info.mtime = int(os.fstat(raw.fileno()).st_mtime)
        info.mode = 0o600
        reader = HashingReader(raw)
        tar.addfile(info, reader)
    return reader.sha.hexdigest()


def media_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Every regular file under MEDIA_ROOT (no links followed), with its archive name."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, "media/" + path.relative_to(root).as_posix()


def create(
    *,
    actor: Actor = None,
    to: Path | None = None,
    database: dict[str, Any] | None = None,
    media_root: Path | None = None,
) -> Path:
    """Write one archive into `to` (default settings.BACKUP_DIR) and audit it."""
    database = database or default_database()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    directory = Path(to or settings.BACKUP_DIR)
    if directory.resolve().is_relative_to(media_root.resolve()):
        raise BackupError(f"{directory} is inside MEDIA_ROOT: back up to another directory")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    at = clock.now()
    stamp = at.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).strftime("%Y%m%d-%H%M%S")
    final = directory / f"grassroots-{stamp}.tar"
    if final.exists():
        raise BackupError(f"{final} exists already; wait a second and back up again")
    partial = final.with_name(final.name + ".partial")
    try:
        manifest = write_archive(partial, database, media_root, at)
        partial.rename(final)
    finally:
        partial.unlink(missing_ok=True)
    audit.record(
        actor=actor,
        action=Action.CORE_BACKUP_CREATED,
        object_type="backup",
        object_id=final.name,
        data={
            "bytes": final.stat().st_size,
            "tables": len(manifest["tables"]),
            "rows": sum(manifest["tables"].values()),
            "files": len(manifest["files"]),
        },
    )
    return final


def write_archive(path: Path, database: dict[str, Any], media_root: Path, at: datetime) -> dict:
    vendor = backup_db.vendor_of(database)
    dump_name = backup_db.DUMP_NAMES[vendor]
    files: dict[str, str] = {}
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as work:
        dump_path = Path(work) / dump_name
        snapshot = backup_db.dump(database, dump_path)
        # Readable by the owner only from its first byte: it holds the whole database.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with (
            os.fdopen(fd, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            files[dump_name] = add_file(tar, dump_path, dump_name)
            dump_path.unlink()
            for media, arcname in media_files(media_root):
                files[arcname] = add_file(tar, media, arcname)
            manifest = {
                "format": FORMAT,
                "created_at": at.isoformat(),
                "vendor": vendor,
                "server_version": snapshot.server_version,
                "database_file": dump_name,
                "migrations": snapshot.migrations,
                "tables": snapshot.tables,
                "files": files,
                "field_key": key_fingerprint(),
            }
            body = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(at.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(body))
    return manifest


# --- checking -------------------------------------------------------------------------


def open_archive(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise BackupError(f"no archive at {path}")
    try:
        return tarfile.open(path, "r:")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is not a Grassroots backup (not a tar archive: {exc})") from exc


def safe_member(member: tarfile.TarInfo) -> str:
    name = member.name
    parts = PurePosixPath(name).parts
    if not member.isfile() or name.startswith("/") or ".." in parts or "\\" in name:
        raise BackupError(f"the archive holds an unexpected entry {name!r}; refusing it")
    return name


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
        raw = tar.extractfile(member)
        manifest = json.loads(raw.read()) if raw else None
    except KeyError as exc:
        raise BackupError("the archive has no manifest.json: not a Grassroots backup") from exc
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"the archive is damaged or truncated: {exc}") from exc
    except ValueError as exc:
        raise BackupError(f"the archive's manifest is unreadable: {exc}") from exc
    required = {"format", "vendor", "files", "tables", "migrations", "database_file"}
    if not isinstance(manifest, dict) or not required <= manifest.keys():
        raise BackupError("the archive's manifest is incomplete: not a Grassroots backup")
    if manifest["format"] != FORMAT:
        raise BackupError(f"the archive's format {manifest['format']!r} is not {FORMAT}")
    return manifest


def verify(path: Path) -> dict[str, Any]:
    """The manifest, once every member's sha256 matched and none was missing or extra."""
    with open_archive(path) as tar:
        manifest = read_manifest(tar)
        expected = dict(manifest["files"])
        try:
            for member in tar:
                name = safe_member(member)
                if name == MANIFEST:
                    continue
                if name not in expected:
                    raise BackupError(f"{name} is in the archive but not in its manifest")
                if sha256_of(tar.extractfile(member)) != expected.pop(name):
                    raise BackupError(f"{name} does not match its checksum: the archive is damaged")
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(f"the archive is damaged or truncated: {exc}") from exc
    if expected:
        raise BackupError(f"the archive lacks {len(expected)} file(s), e.g. {min(expected)}")
    return manifest


def sha256_of(raw: IO[bytes] | None) -> str:
    sha = hashlib.sha256()
    while raw and (chunk := raw.read(CHUNK)):
        sha.update(chunk)
    return sha.hexdigest()


# --- restoring ------------------------------------------------------------------------


@dataclass
class Restored:
    """What a restore did: tables and rows as the manifest says, and what differs."""

    tables: int
    rows: int
    media: int
    mismatches: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def check_target(manifest: dict[str, Any], database: dict[str, Any], *, force: bool) -> None:
    vendor = backup_db.vendor_of(database)
    if manifest["vendor"] != vendor:
        names = backup_db.VENDOR_NAMES
        raise BackupError(
            f"this archive holds a {names.get(manifest['vendor'], manifest['vendor'])} database "
            f"and the target is {names[vendor]}: restore it into a {names.get(manifest['vendor'])} "
            "database (DATABASE_URL or --database-url)"
        )
    markers = [get_user_model()._meta.db_table, AuditEvent._meta.db_table]
    full = backup_db.holds_data(database, markers)
    if full and not force:
        raise BackupError(
            f"the target database holds data (rows in {', '.join(full)}); restore into an empty "
            "database, or add --force to replace its content"
        )


def restore(
    path: Path,
    *,
    database: dict[str, Any] | None = None,
    media_root: Path | None = None,
    force: bool = False,
) -> Restored:
    """Check the archive, then load it into `database` and `media_root`."""
    database = database or default_database()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    manifest = verify(path)
    check_target(manifest, database, force=force)
    warnings = migration_warnings(manifest)
    if manifest.get("field_key") != key_fingerprint():
        warnings.append(
            "this installation's GRASSROOTS_FIELD_KEY is not the one the backup was made "
            "under: sealed personal data (ID numbers, phones) will not read back until the "
            "original key is set"
        )
    connections.close_all()
    media = 0
    with open_archive(path) as tar, tempfile.TemporaryDirectory() as work:
        member = tar.getmember(manifest["database_file"])
        tar.extract(member, work, filter="data")
        backup_db.restore(Path(work) / member.name, database)
        for member in tar:
            if member.name.startswith("media/"):
                write_media(tar, member, media_root)
                media += 1
    tables = manifest["tables"]
    now = backup_db.counts_now(database, sorted(tables))
    mismatches = {t: (n, now[t]) for t, n in tables.items() if now[t] != n}
    return Restored(len(tables), sum(tables.values()), media, mismatches, warnings)


def write_media(tar: tarfile.TarFile, member: tarfile.TarInfo, root: Path) -> None:
    target = (root / safe_member(member).removeprefix("media/")).resolve()
    if not target.is_relative_to(root.resolve()):
        raise BackupError(f"{member.name} would land outside MEDIA_ROOT; refusing it")
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = tar.extractfile(member)
    partial = target.with_name(target.name + ".partial")
    with partial.open("wb") as out:
        while raw and (chunk := raw.read(CHUNK)):
            out.write(chunk)
    partial.replace(target)


def migration_warnings(manifest: dict[str, Any]) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    )
    if not unknown:
        return []
    return [
        f"the backup has {len(unknown)} migration(s) this code does not know (e.g. "
        f"{unknown[0]}): it was made by a newer Grassroots; run that version"
    ]


# --- rotation and schedule ------------------------------------------------------------


def rotate(directory: Path, keep: int) -> list[Path]:
    """Remove the oldest archives of `directory` beyond the newest `keep`."""
    if keep < 1:
        raise BackupError(f"keep at least one backup, not {keep}")
    archives = sorted(p for p in Path(directory).iterdir() if ARCHIVE_RE.match(p.name))
    removed = archives[:-keep]
    for path in removed:
        path.unlink()
    if removed:
        audit.record(
            actor=None,
            action=Action.CORE_BACKUPS_ROTATED,
            object_type="backup",
            object_id=Path(directory).name,
            data={"removed": [p.name for p in removed], "kept": keep},
        )
    return removed


def daily_time(text: str) -> tuple[int, int]:
    """`HH:MM` of GRASSROOTS_BACKUP_HOUR, checked."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ImproperlyConfigured(f"GRASSROOTS_BACKUP_HOUR must be HH:MM, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def worker_clock(hour: int, minute: int) -> tuple[int, int]:
    """The town's HH:MM on the clock Huey matches crontabs against (UTC unless `utc` False)."""
    if not settings.HUEY.get("utc", True):
        return hour, minute
    town = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local = clock.now().astimezone(town).replace(hour=hour, minute=minute)
    utc = local.astimezone(zoneinfo.ZoneInfo("UTC"))
    return utc.hour, utc.minute


def scheduled(*, keep: int | None = None) -> tuple[Path, list[Path]]:
    """The worker's daily backup into BACKUP_DIR/daily, then the rotation."""
    directory = Path(settings.BACKUP_DIR) / "daily"
    path = create(to=directory)
    return path, rotate(directory, keep or settings.BACKUP_KEEP)
