"""Typed helpers that read settings from the environment and fail loudly."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING  # replica

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:  # replica
    from dj_database_url import DBConfig

# Django's own rule for a strong SECRET_KEY (`check --deploy`, security.W009).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def envstr(name: str, default: str = "") -> str:
    # Set but empty (`DATABASE_URL= make test`) means unset, as in a shell's ${X:-default}.
    return os.environ.get(name) or default


def stored_secret(name: str, var_dir: Path, *, production: bool, kind: str) -> str:
    """Return the secret from the environment, or a generated one kept under var/.

    In production a missing secret is an error: a generated key would silently
    make encrypted data unreadable after the next deployment.
    """
    value = os.environ.get(name, "").strip()
    if value:
        if production and kind == "token" and not strong_secret(value):
            raise ImproperlyConfigured(
                f"{name} is too weak for production: use at least {SECRET_KEY_MIN_LENGTH} "
                f"characters with at least {SECRET_KEY_MIN_UNIQUE} different ones "
                "(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
            )
        return value
    if production:
        raise ImproperlyConfigured(f"{name} must be set when GRASSROOTS_ENV=production")
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / f"{name.lower()}.key"
    if path.exists():
        return path.read_text().strip()
    if kind == "fernet":
        value = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    else:
        value = secrets.token_urlsafe(50)
    path.write_text(value)
    path.chmod(0o600)
    return value


def strong_secret(value: str) -> bool:
    """Long and varied enough to sign sessions (Django's `check --deploy` rule)."""
    return (
        len(value) >= SECRET_KEY_MIN_LENGTH
        and len(set(value)) >= SECRET_KEY_MIN_UNIQUE
        and not value.startswith("django-insecure-")
    )


def envheader(name: str) -> tuple[str, str] | None:
    """`X-Forwarded-Proto: https` -> ("HTTP_X_FORWARDED_PROTO", "https"), for a TLS proxy."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header, sep, value = raw.partition(":")
    if not sep or not header.strip() or not value.strip():
        raise ImproperlyConfigured(f"{name} must look like 'X-Forwarded-Proto: https', got {raw!r}")
    meta = "HTTP_" + header.strip().upper().replace("-", "_")
    return meta, value.strip()


def envjson(name: str, default: object) -> object:
    """A JSON value (a template map, say); set but unparsable is an error, not a silent default."""
    import json

    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be JSON, got {raw!r}") from exc


# --- begin replica (issue #15): the read replica's connection (core/dbrouter.py, decision 0024)
def replica_database(url: str, primary: DBConfig) -> DBConfig:
    """The `replica` entry of DATABASES: a PostgreSQL standby of the PostgreSQL `primary`.

    Read-only by default (a write that reached it by mistake fails even on a server that is
    not a standby), connecting within 3 s (an unreachable replica falls back to the primary
    quickly), kept and health-checked like the primary; a test run mirrors it to `default`.
    """
    import dj_database_url

    replica = dj_database_url.parse(
        url,
        conn_max_age=primary.get("CONN_MAX_AGE", 0),
        conn_health_checks=primary.get("CONN_HEALTH_CHECKS", False),
    )
    for name, db in (("DATABASE_URL", primary), ("DATABASE_REPLICA_URL", replica)):
        if "postgresql" not in db["ENGINE"]:
            raise ImproperlyConfigured(f"{name} must be PostgreSQL to use a read replica")
    options = replica.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", 3)
    options.setdefault("options", "-c default_transaction_read_only=on")
    replica["TEST"] = {"MIRROR": "default"}
    return replica


# --- end replica


# begin nodes (issue #15, decision 0025): the settings of several nodes (docs/DEPLOY.md)
def several_nodes(
    default: DBConfig, huey: dict[str, object], redis_url: str, testing: bool
) -> tuple[str, str]:
    """Return (MEMO_REDIS_URL, DATABASE_POOLER); name the Huey queue; ready `default` for
    PgBouncer.

    - GRASSROOTS_MEMO_REDIS_URL: where the process memos keep their versions (core.memo);
      REDIS_URL by default, nothing under tests (the suite's Redis may be shared).
    - GRASSROOTS_HUEY_NAME: the queue's name in Redis ("grassroots").
    - DATABASE_POOLER=pgbouncer: DATABASE_URL points at PgBouncer in transaction mode, where a
      server connection follows a client for one transaction only: no server-side cursors
      (iterator() keeps a named cursor across statements), psycopg never prepares (core.pgfast
      neither). Django's kept connections are connections to PgBouncer and stay.
    """
    huey["name"] = envstr("GRASSROOTS_HUEY_NAME", "grassroots")
    pooler = envstr("DATABASE_POOLER")
    if pooler not in ("", "pgbouncer"):
        raise ImproperlyConfigured("DATABASE_POOLER must be 'pgbouncer' (or unset)")
    if pooler:
        default["DISABLE_SERVER_SIDE_CURSORS"] = True
        default.setdefault("OPTIONS", {})["prepare_threshold"] = None
    return envstr("GRASSROOTS_MEMO_REDIS_URL", "" if testing else redis_url), pooler


# end nodes
