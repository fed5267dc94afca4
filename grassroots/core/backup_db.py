"""The database side of backups: one snapshot, dumped and restored per vendor.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent
snapshot page by page while the server keeps writing; the figures of the manifest
are read from that copy. PostgreSQL: one REPEATABLE READ transaction exports its
snapshot, reads the figures, and `pg_dump --snapshot` dumps exactly what it saw;
`pg_restore --single-transaction` loads it all or nothing.

`pg_dump` must not be older than the server (it refuses), so `pg_tool` picks the
client: `settings.PG_BIN` (GRASSROOTS_PG_BIN) if set, else among the versioned
directories PostgreSQL's packages install (Debian/Ubuntu `/usr/lib/postgresql/N/bin`,
RHEL `/usr/pgsql-N/bin`) and the PATH, the one of the server's major version, else
the oldest newer one.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
DUMP_NAMES = {SQLITE: "database.sqlite3", POSTGRESQL: "database.pgdump"}
VENDOR_NAMES = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
PG_TOOL_DIRS = ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin")
LIBPQ_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Snapshot:
    """What the manifest records about the dumped database."""

    vendor: str
    server_version: str
    migrations: dict[str, list[str]]
    tables: dict[str, int]


def vendor_of(database: dict[str, Any]) -> str:
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        return SQLITE
    if "postgresql" in engine:
        return POSTGRESQL
    raise BackupError(f"backups support SQLite and PostgreSQL, not {engine}")


# --- reading any of the two -----------------------------------------------------------


@contextlib.contextmanager
def connect(database: dict[str, Any]) -> Iterator[Any]:
    """A DB-API connection of its own to `database` (a DATABASES entry)."""
    conn: Any
    if vendor_of(database) == SQLITE:
        name = str(database["NAME"])
        conn = sqlite3.connect(name, uri=name.startswith("file:"), timeout=20)
    else:
        try:
            conn = psycopg.connect(**libpq_params(database))
        except psycopg.Error as exc:
            raise BackupError(f"cannot connect to PostgreSQL: {exc}".strip()) from exc
    try:
        yield conn
    finally:
        conn.close()


def table_names(conn: Any) -> list[str]:
    if isinstance(conn, sqlite3.Connection):
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    cur = conn.cursor()
    cur.execute(sql)
    return sorted(row[0] for row in cur.fetchall())


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def row_counts(conn: Any, tables: list[str]) -> dict[str, int]:
    cur = conn.cursor()
    counts = {}
    for table in tables:
        cur.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - quoted catalogue name
        counts[table] = cur.fetchone()[0]
    return counts


def read_snapshot(conn: Any, vendor: str, server_version: str) -> Snapshot:
    tables = table_names(conn)
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        cur = conn.cursor()
        cur.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cur.fetchall():
            migrations.setdefault(app, []).append(name)
    return Snapshot(vendor, server_version, migrations, row_counts(conn, tables))


def holds_data(database: dict[str, Any], markers: list[str]) -> list[str]:
    """The tables among `markers` that have rows (none: the database is empty).

    Every change in Grassroots is audited and every action needs an account, so a
    database without accounts and audit rows holds only what `migrate` seeds.
    """
    with connect(database) as conn:
        present = set(table_names(conn))
        counts = row_counts(conn, [t for t in markers if t in present])
    return [table for table, count in counts.items() if count]


# --- SQLite ---------------------------------------------------------------------------


def sqlite_dump(database: dict[str, Any], target: Path) -> Snapshot:
    with connect(database) as source:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            version = sqlite3.sqlite_version
            return read_snapshot(copy, SQLITE, version)
        finally:
            copy.close()


def sqlite_restore(dump: Path, database: dict[str, Any]) -> None:
    """Replace the target's whole content by the dump's, page by page."""
    name = str(database["NAME"])
    if not name.startswith("file:"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(dump)
    try:
        with connect(database) as target:
            source.backup(target)
    finally:
        source.close()


# --- PostgreSQL -----------------------------------------------------------------------


def libpq_params(database: dict[str, Any], *, password: bool = True) -> dict[str, Any]:
    params = {
        "dbname": database.get("NAME") or "postgres",
        "user": database.get("USER") or None,
        "host": database.get("HOST") or None,
        "port": str(database.get("PORT") or "") or None,
    }
    if password:
        params["password"] = database.get("PASSWORD") or None
    for key in LIBPQ_OPTIONS:
        if key in database.get("OPTIONS", {}):
            params[key] = str(database["OPTIONS"][key])
    return {key: value for key, value in params.items() if value is not None}


def tool_major(path: str) -> int | None:
    try:
        out = subprocess.run(  # noqa: S603 - a PostgreSQL client binary we located
            [path, "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", out)
    return int(match.group(1)) if match else None


def pg_tool(name: str, server_major: int) -> str:
    """The `pg_dump`/`pg_restore` to run against a server of `server_major`."""
    pinned = getattr(settings, "PG_BIN", "")
    if pinned:
        candidates = [str(Path(pinned) / name)]
    else:
        candidates = sorted(
            {*(str(Path(d) / name) for pattern in PG_TOOL_DIRS for d in glob.glob(pattern))}
        )
        found = shutil.which(name)
        if found:
            candidates.append(found)
    majors = {path: tool_major(path) for path in candidates if os.access(path, os.X_OK)}
    fitting = sorted(
        (major, path) for path, major in majors.items() if major and major >= server_major
    )
    if fitting:
        exact = [path for major, path in fitting if major == server_major]
        return exact[0] if exact else fitting[0][1]
    seen = ", ".join(f"{path} ({major})" for path, major in majors.items()) or "none"
    raise BackupError(
        f"no {name} of PostgreSQL {server_major} or newer (found: {seen}); install the "
        f"client of the server's version (e.g. postgresql-client-{server_major}) or set "
        "GRASSROOTS_PG_BIN to the directory that holds it"
    )


def pg_env(database: dict[str, Any]) -> dict[str, str]:
    """The environment of a client: the password never goes on the command line."""
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def pg_args(database: dict[str, Any]) -> list[str]:
    conninfo = psycopg.conninfo.make_conninfo(**libpq_params(database, password=False))
    return [f"--dbname={conninfo}"]


def run_tool(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.returncode}")


def server_major(conn: psycopg.Connection) -> int:
    return conn.info.server_version // 10000


def pg_dump(database: dict[str, Any], target: Path) -> Snapshot:
    with connect(database) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        cur = conn.cursor()
        cur.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot_id, version = cur.fetchone()
        snapshot = read_snapshot(conn, POSTGRESQL, version)
        tool = pg_tool("pg_dump", server_major(conn))
        args = [tool, "--format=custom", "--no-owner", "--no-privileges"]
        args += [f"--snapshot={snapshot_id}", f"--file={target}", *pg_args(database)]
        run_tool(args, pg_env(database), "pg_dump")
        conn.rollback()
    return snapshot


def pg_restore(dump: Path, database: dict[str, Any]) -> None:
    with connect(database) as conn:
        tool = pg_tool("pg_restore", server_major(conn))
    args = [tool, "--no-owner", "--no-privileges", "--clean", "--if-exists"]
    args += ["--single-transaction", "--exit-on-error", *pg_args(database), str(dump)]
    run_tool(args, pg_env(database), "pg_restore")


def dump(database: dict[str, Any], target: Path) -> Snapshot:
    if vendor_of(database) == SQLITE:
        return sqlite_dump(database, target)
    return pg_dump(database, target)


def restore(dump_file: Path, database: dict[str, Any]) -> None:
    if vendor_of(database) == SQLITE:
        sqlite_restore(dump_file, database)
    else:
        pg_restore(dump_file, database)


def counts_now(database: dict[str, Any], tables: list[str]) -> dict[str, int | None]:
    """Rows per table in the target (None: the table is missing)."""
    with connect(database) as conn:
        present = set(table_names(conn))
        counts: dict[str, int | None] = dict.fromkeys(tables)
        counts.update(row_counts(conn, [t for t in tables if t in present]))
    return counts
