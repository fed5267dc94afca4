"""Configuration that fails loudly but readably, and production mode that is secure by default.

Settings are read once per process, so each case starts a fresh interpreter with the
environment under test.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from grassroots.env import envheader, stored_secret, strong_secret

REPO = Path(__file__).resolve().parents[3]
SHOWN = (
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)
STRONG = secrets.token_urlsafe(50)
FERNET = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GRASSROOTS_") and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    clean.update(
        GRASSROOTS_VAR_DIR=str(tmp_path),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")])),
        DJANGO_SETTINGS_MODULE="grassroots.settings",
        **env,
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], env=clean, capture_output=True, text=True, timeout=120
    )


def settings_in(tmp_path: Path, **env: str) -> dict[str, object]:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {SHOWN!r}}}))"
    )
    done = run(["-c", code], tmp_path, **env)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_debug_is_off_unless_a_developer_asks_for_it(tmp_path: Path) -> None:
    assert settings_in(tmp_path)["DEBUG"] is False
    assert settings_in(tmp_path, GRASSROOTS_DEBUG="1")["DEBUG"] is True


def test_production_is_https_only_with_hsts_and_secure_cookies(tmp_path: Path) -> None:
    values = settings_in(
        tmp_path,
        GRASSROOTS_ENV="production",
        GRASSROOTS_SECRET_KEY=STRONG,
        GRASSROOTS_FIELD_KEY=FERNET,
        GRASSROOTS_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
    )
    assert values["DEBUG"] is False
    assert int(values["SECURE_HSTS_SECONDS"]) >= 365 * 24 * 3600  # type: ignore[call-overload]
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    behind_proxy = settings_in(
        tmp_path,
        GRASSROOTS_ENV="production",
        GRASSROOTS_SECRET_KEY=STRONG,
        GRASSROOTS_FIELD_KEY=FERNET,
        GRASSROOTS_SSL_REDIRECT="0",
    )
    assert behind_proxy["SECURE_SSL_REDIRECT"] is False
    assert behind_proxy["SECURE_PROXY_SSL_HEADER"] is None


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({}, "GRASSROOTS_SECRET_KEY must be set when GRASSROOTS_ENV=production"),
        (
            {"GRASSROOTS_SECRET_KEY": "abcde", "GRASSROOTS_FIELD_KEY": FERNET},
            "GRASSROOTS_SECRET_KEY is too weak for production",
        ),
        ({"GRASSROOTS_SECRET_KEY": STRONG}, "GRASSROOTS_FIELD_KEY must be set"),
        (
            {
                "GRASSROOTS_SECRET_KEY": STRONG,
                "GRASSROOTS_FIELD_KEY": FERNET,
                "GRASSROOTS_DEBUG": "1",
            },
            "GRASSROOTS_DEBUG must be off in production",
        ),
    ],
    ids=["no-key", "weak-key", "no-field-key", "debug"],
)
def test_a_bad_production_configuration_is_one_clear_line(
    tmp_path: Path, env: dict[str, str], said: str
) -> None:
    for command in ("check", "serve"):
        done = run(["-m", "grassroots.cli", command], tmp_path, GRASSROOTS_ENV="production", **env)
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith("grassroots: configuration error: ") and said in lines[0]


def test_check_refuses_a_weak_secret_key_even_outside_production(tmp_path: Path) -> None:
    done = run(["-m", "grassroots.cli", "check"], tmp_path, GRASSROOTS_SECRET_KEY="abcde")
    assert done.returncode != 0
    assert "GRASSROOTS_SECRET_KEY is too weak" in done.stderr


def test_secret_strength_follows_djangos_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    assert strong_secret(STRONG)
    assert not strong_secret("abcde")
    assert not strong_secret("ab" * 30)  # long but two different characters
    assert not strong_secret("django-insecure-" + STRONG)
    monkeypatch.setenv("GRASSROOTS_SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="too weak"):
        stored_secret("GRASSROOTS_SECRET_KEY", Path("/nonexistent"), production=True, kind="token")
    # Outside production a developer's short key is used (and `grassroots check` flags it).
    assert (
        stored_secret("GRASSROOTS_SECRET_KEY", Path("/nonexistent"), production=False, kind="token")
        == "short"
    )


def test_the_proxy_header_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert envheader("X_PROXY") is None
    monkeypatch.setenv("X_PROXY", "X-Forwarded-Proto: https")
    assert envheader("X_PROXY") == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("X_PROXY", "https")
    with pytest.raises(ImproperlyConfigured, match="X-Forwarded-Proto"):
        envheader("X_PROXY")
