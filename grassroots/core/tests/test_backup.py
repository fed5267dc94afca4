"""Backups (issue #14): back up, restore into an empty database, and compare every table.

Runs on the database of the run (SQLite or PostgreSQL). The dump reads through a
connection of its own, so the round trip is transactional: the rows must be committed
for it to see them. The other tests back up whatever is committed; they are
transactional only on SQLite, whose shared in-memory test database locks a table the
test's transaction wrote against every other connection (on PostgreSQL the flush after
a transactional test costs seconds).
"""

from __future__ import annotations

import hashlib
import io
import json
import stat
import tarfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connections
from PIL import Image

from grassroots.cases import services as cases
from grassroots.cases.models import Category, Channel
from grassroots.core import backup, backup_db, clock
from grassroots.core.audit import Action
from grassroots.core.management.commands.restore import Command as RestoreCommand
from grassroots.core.models import AuditEvent
from grassroots.core.tasks import daily_backup
from grassroots.testing import Town

transactional = pytest.mark.django_db(transaction=True)
committed = pytest.mark.django_db(
    transaction=settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
)


def source() -> dict[str, Any]:
    return connections["default"].settings_dict


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """An empty database of the run's vendor, other than the test database."""
    db = dict(source())
    if backup_db.vendor_of(db) == backup_db.SQLITE:
        yield {**db, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    db["NAME"] = f"{db['NAME']}_restore"
    admin = {**db, "NAME": "postgres"}
    with psycopg.connect(**backup_db.libpq_params(admin), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {backup_db.quote(db['NAME'])}")
        conn.execute(f"CREATE DATABASE {backup_db.quote(db['NAME'])}")
    try:
        yield db
    finally:
        with psycopg.connect(**backup_db.libpq_params(admin), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {backup_db.quote(db['NAME'])} WITH (FORCE)")


def table_digests(database: dict[str, Any]) -> dict[str, tuple[int, str]]:
    """Every table: its row count and a sha256 over its rows in a fixed order, by raw SQL."""
    digests = {}
    with backup_db.connect(database) as conn:
        cur = conn.cursor()
        for table in backup_db.table_names(conn):
            cur.execute(f"SELECT * FROM {backup_db.quote(table)} LIMIT 0")  # noqa: S608
            order = ", ".join(str(i + 1) for i in range(len(cur.description)))
            cur.execute(f"SELECT * FROM {backup_db.quote(table)} ORDER BY {order}")  # noqa: S608
            rows = cur.fetchall()
            sha = hashlib.sha256(repr([c[0] for c in cur.description]).encode())
            for row in rows:
                sha.update(repr(row).encode())
            digests[table] = (len(rows), sha.hexdigest())
        # Where the ids go on: a restore that lost them would collide at the next insert.
        if isinstance(conn, psycopg.Connection):
            cur.execute("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1")
        else:
            cur.execute("SELECT name, seq FROM sqlite_sequence ORDER BY 1")
        digests["(sequences)"] = (0, repr(cur.fetchall()))
    return digests


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def some_data(town: Town, media: Path) -> None:
    """Beyond the persona town: a case with a photo (a media file) and a loose file."""
    jpeg = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 10)).save(jpeg, "JPEG")
    cases.case_submit(
        actor=None,
        text="村口路灯不亮",
        category=Category.objects.get(code="roads-repair"),
        place=town.group_a1,
        channel=Channel.SELF_SERVICE,
        photos=[SimpleUploadedFile("lamp.jpg", jpeg.getvalue(), "image/jpeg")],
    )
    (media / "reports").mkdir(parents=True, exist_ok=True)
    (media / "reports" / "月报.pdf").write_bytes(b"%PDF-1.4 not really\n")


@transactional
def test_backup_then_restore_into_an_empty_database_gives_identical_tables(
    town: Town, media: Path, scratch: dict[str, Any], tmp_path: Path
) -> None:
    some_data(town, media)
    before = table_digests(source())
    archive = backup.create(to=tmp_path / "backups")

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert AuditEvent.objects.filter(action=Action.CORE_BACKUP_CREATED).count() == 1
    manifest = backup.verify(archive)
    assert manifest["vendor"] == backup_db.vendor_of(source())
    assert "0001_initial" in manifest["migrations"]["core"]
    assert manifest["tables"] == {
        table: count for table, (count, _) in before.items() if table != "(sequences)"
    }
    assert "accounts_user" in before["(sequences)"][1]  # the id counters are compared too
    assert len([name for name in manifest["files"] if name.startswith("media/")]) == 2

    done = backup.restore(archive, database=scratch, media_root=tmp_path / "restored-media")
    assert done.mismatches == {} and done.warnings == [] and done.media == 2
    assert table_digests(scratch) == before
    assert files_under(tmp_path / "restored-media") == files_under(media)

    # Now the scratch database holds data: refused, unless forced (PostgreSQL: --clean).
    with pytest.raises(CommandError, match=r"holds data \(rows in accounts_user"):
        call_command("restore", str(archive), "--yes", "--database-url", url_of(scratch))
    forced = backup.restore(archive, database=scratch, media_root=tmp_path / "m2", force=True)
    assert forced.mismatches == {}
    assert table_digests(scratch) == before


def rewrite(archive: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """A copy of `archive` whose members pass through `change` (None drops one)."""
    with tarfile.open(archive) as src, tarfile.open(target, "w") as out:
        for member in src:
            body = change(member.name, src.extractfile(member).read())
            if body is not None:
                member.size = len(body)
                out.addfile(member, io.BytesIO(body))
    return target


def other_vendor(name: str, body: bytes) -> bytes:
    if name != backup.MANIFEST:
        return body
    manifest = json.loads(body)
    manifest["vendor"] = {"sqlite": "postgresql", "postgresql": "sqlite"}[manifest["vendor"]]
    return json.dumps(manifest).encode()


def url_of(database: dict[str, Any]) -> str:
    if backup_db.vendor_of(database) == backup_db.SQLITE:
        return f"sqlite:///{database['NAME']}"
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


@committed
def test_a_missing_damaged_or_foreign_archive_is_refused_clearly_before_any_write(
    media: Path, tmp_path: Path
) -> None:
    (media / "photos").mkdir(parents=True)
    (media / "photos" / "a.jpg").write_bytes(b"\xff\xd8 a photo")
    archive = backup.create(to=tmp_path)
    # A target that does not exist: every refusal comes before a connection to it.
    nowhere = {**source(), "NAME": f"{source()['NAME']}_never"}
    if backup_db.vendor_of(nowhere) == backup_db.SQLITE:
        nowhere["NAME"] = str(tmp_path / "never.sqlite3")
    url = url_of(nowhere)
    flipped = rewrite(
        archive,
        tmp_path / "flipped.tar",
        lambda name, body: body[:-1] + bytes([body[-1] ^ 1]) if name.startswith("media/") else body,
    )
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    cases_ = {
        tmp_path / "nowhere.tar": "no archive at",
        (tmp_path / "junk.tar"): "not a tar archive",
        flipped: r"media/.* does not match its checksum",
        truncated: "damaged or truncated",
        rewrite(archive, tmp_path / "bare.tar", lambda n, b: None if n == "manifest.json" else b): (
            "no manifest.json"
        ),
        rewrite(archive, tmp_path / "foreign.tar", other_vendor): "this archive holds a",
    }
    (tmp_path / "junk.tar").write_text("not an archive")
    for path, message in cases_.items():
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(path), "--yes", "--database-url", url)
    with pytest.raises(CommandError, match="inside MEDIA_ROOT"):
        call_command("backup", "--to", str(media / "backups"))
    assert not (tmp_path / "never.sqlite3").exists()
    if backup_db.vendor_of(nowhere) == backup_db.POSTGRESQL:
        with connections["default"].cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM pg_database WHERE datname = %s", [nowhere["NAME"]])
            assert cur.fetchone()[0] == 0
    with pytest.raises(CommandError, match="add --yes"):  # no terminal to ask
        call_command("restore", str(archive), "--database-url", url)
    # A restore whose counts differ from the manifest says which tables, and fails.
    differs = backup.Restored(tables=2, rows=9, media=0, mismatches={"grid_household": (7, 6)})
    with pytest.raises(CommandError, match="grid_household: 7 in the backup, 6 now"):
        RestoreCommand().report(differs, {"database_url": url})
    out = io.StringIO()
    call_command("restore", str(archive), "--check", stdout=out)
    assert "checksums match (2 files)" in out.getvalue()


@committed
def test_the_daily_backup_rotates_and_is_audited(
    media: Path, settings: Any, tmp_path: Path
) -> None:
    settings.BACKUP_DIR = tmp_path
    settings.BACKUP_KEEP = 2
    (tmp_path / "daily").mkdir()
    (tmp_path / "daily" / "notes.txt").write_text("not an archive: never removed")
    names = []
    for day in (1, 2, 3):
        clock.set_now(datetime.fromisoformat(f"2026-11-0{day}T02:30:00+08:00"))
        names.append(daily_backup.call_local()["archive"])
    assert names == [f"grassroots-2026110{d}-023000.tar" for d in (1, 2, 3)]
    left = sorted(p.name for p in (tmp_path / "daily").iterdir())
    assert left == [*names[1:], "notes.txt"]
    assert AuditEvent.objects.filter(action=Action.CORE_BACKUP_CREATED).count() == 3
    rotated = AuditEvent.objects.get(action=Action.CORE_BACKUPS_ROTATED)
    assert rotated.data == {"removed": [names[0]], "kept": 2}

    # By hand: `grassroots backup --to DIR --keep N` rotates that directory.
    out = io.StringIO()
    clock.set_now(datetime.fromisoformat("2026-11-04T09:00:00+08:00"))
    call_command("backup", "--to", str(tmp_path / "daily"), "--keep", "1", stdout=out)
    assert "grassroots-20261104-090000.tar (" in out.getvalue()
    assert f"removed {names[1]}" in out.getvalue() and f"removed {names[2]}" in out.getvalue()


def test_the_schedule_reads_town_time_and_refuses_a_bad_hour(settings: Any) -> None:
    # The worker's task fires once a day, at the configured hour on Huey's clock.
    hour, minute = backup.worker_clock(*backup.daily_time(settings.BACKUP_HOUR))
    assert daily_backup.s().validate_datetime(datetime(2026, 11, 1, hour, minute))
    assert not daily_backup.s().validate_datetime(datetime(2026, 11, 1, hour, (minute + 1) % 60))
    assert backup.daily_time("02:30") == (2, 30)
    for bad in ("2.30", "24:00", "02:60", "soon", ""):
        with pytest.raises(ImproperlyConfigured, match="GRASSROOTS_BACKUP_HOUR"):
            backup.daily_time(bad)
    settings.HUEY = {**settings.HUEY, "utc": True}
    assert backup.worker_clock(2, 30) == (18, 30)  # Asia/Shanghai is UTC+8
    settings.HUEY = {**settings.HUEY, "utc": False}
    assert backup.worker_clock(2, 30) == (2, 30)
    with pytest.raises(backup.BackupError, match="keep at least one"):
        backup.rotate(Path("."), 0)


def fake_tool(directory: Path, name: str, version: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    tool = directory / name
    tool.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    tool.chmod(0o755)


def test_a_client_older_than_the_server_is_refused_and_the_pinned_one_used(
    settings: Any, tmp_path: Path
) -> None:
    fake_tool(tmp_path / "old", "pg_dump", "9.6.24")
    settings.PG_BIN = str(tmp_path / "old")
    with pytest.raises(
        backup.BackupError, match=r"no pg_dump of PostgreSQL 15 .*GRASSROOTS_PG_BIN"
    ):
        backup_db.pg_tool("pg_dump", 15)
    fake_tool(tmp_path / "new", "pg_dump", "16.4 (Debian 16.4-1)")
    settings.PG_BIN = str(tmp_path / "new")
    assert backup_db.pg_tool("pg_dump", 15) == str(tmp_path / "new" / "pg_dump")
