from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from grassroots.env import envbool, envint, stored_secret


def test_production_refuses_to_start_without_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GRASSROOTS_FIELD_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="GRASSROOTS_FIELD_KEY"):
        stored_secret("GRASSROOTS_FIELD_KEY", tmp_path, production=True, kind="fernet")
    assert not list(tmp_path.iterdir())


def test_development_generates_a_key_once_and_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GRASSROOTS_SECRET_KEY", raising=False)
    first = stored_secret("GRASSROOTS_SECRET_KEY", tmp_path, production=False, kind="token")
    second = stored_secret("GRASSROOTS_SECRET_KEY", tmp_path, production=False, kind="token")
    assert first == second and len(first) > 40
    assert (tmp_path / "grassroots_secret_key.key").stat().st_mode & 0o077 == 0


def test_environment_values_are_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "12")
    assert envbool("X_BOOL") is True and envint("X_INT", 3) == 12
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured):
        envbool("X_BOOL")
