"""An unavailable database: the worker backs off and says so once, /healthz says why, logs stay short."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from grassroots.core import pollers
from grassroots.core.outage import DatabaseOutageFilter
from grassroots.core.staticfiles import StaticFilesStorage


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.VAR_DIR = tmp_path
    # These tests have no database: a connection an earlier test left open is not checked.
    monkeypatch.setattr(pollers, "close_old_connections", lambda: None)
    return tmp_path


class Flaky:
    """A poller body that fails with a database error `failures` times, then works."""

    def __init__(self, failures: int, error: Exception | None = None) -> None:
        self.failures, self.calls = failures, 0
        self.error = error or OperationalError("could not connect to server: Connection refused")

    def __call__(self) -> int:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return 0


def test_the_wait_doubles_while_the_database_is_gone_and_is_capped() -> None:
    poller = pollers.Poller("p", lambda: None, every_s=1.0)
    waits = [pollers.next_delay(poller, n) for n in range(8)]
    assert waits == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0, pollers.BACKOFF_CAP_S]


def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(
    var_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = pollers.DatabaseState()
    intake = pollers.Poller("intake", Flaky(50), every_s=1.0)
    announce = pollers.Poller("announce", Flaky(50, InterfaceError("connection closed")), 2.0)
    failures = {"intake": 0, "announce": 0}
    with caplog.at_level(logging.INFO, logger="grassroots.core.pollers"):
        for _ in range(60):  # two pollers, sixty passes each
            for poller in (intake, announce):
                failures[poller.name] = pollers.run_once(poller, failures[poller.name], state)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2, lines
    assert lines[0].startswith("database unavailable (could not connect to server")
    assert lines[1].startswith("database available again after")
    assert not any(r.exc_info for r in caplog.records)
    assert failures == {"intake": 0, "announce": 0}


def test_a_failure_of_the_poller_itself_is_reported_in_full(
    var_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise ValueError("a bug")

    assert pollers.run_once(pollers.Poller("b", broken, 1.0), 3, pollers.DatabaseState()) == 0
    assert caplog.records[-1].exc_info and "poller b failed" in caplog.records[-1].getMessage()


def test_the_poller_thread_resumes_by_itself_when_the_database_is_back(var_dir: Path) -> None:
    body = Flaky(3)
    done = threading.Event()

    def run() -> None:
        body()
        done.set()

    stop = threading.Event()
    thread = threading.Thread(
        target=pollers.run_forever, args=(pollers.Poller("t", run, every_s=0.01), stop)
    )
    thread.start()
    try:
        assert done.wait(10), "the poller never worked again"
    finally:
        stop.set()
        thread.join(10)
    assert body.calls >= 4


def test_the_heartbeat_says_when_the_worker_last_ran_and_whether_it_reached_the_database(
    var_dir: Path,
) -> None:
    assert pollers.heartbeat() is None
    state = pollers.DatabaseState()
    state.beat(force=True)
    beat = pollers.heartbeat()
    assert beat is not None and beat["database"] == "ok" and beat["at"]
    state.failed(OperationalError("the database system is shutting down\nDETAIL: more"))
    state.beat(force=True)
    assert pollers.heartbeat() == {
        "at": pollers.heartbeat()["at"],  # type: ignore[index]
        "database": "unavailable: the database system is shutting down",
    }


def test_an_unwritable_heartbeat_is_a_warning_not_a_crash(
    settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "file").write_text("")
    settings.VAR_DIR = tmp_path / "file" / "below-a-file"
    pollers.DatabaseState().beat(force=True)
    assert "cannot write the worker heartbeat" in caplog.text


def test_healthz_says_what_is_wrong_and_what_the_worker_last_saw(
    var_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pollers.DatabaseState().beat(force=True)

    def refused() -> Any:
        raise OperationalError('connection to server at "127.0.0.1", port 5999 failed\nsecond')

    monkeypatch.setattr(connection, "cursor", refused)
    response = Client().get("/healthz")
    assert response.status_code == 503 and response["Retry-After"]
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == 'unavailable: connection to server at "127.0.0.1", port 5999 failed'
    assert body["worker"]["database"] == "ok" and body["worker"]["at"]


def test_a_request_failed_by_the_database_is_logged_in_one_line() -> None:
    try:
        raise OperationalError("server closed the connection unexpectedly\n\tdetails")
    except OperationalError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            "",
            0,
            "%s: %s",
            ("Service Unavailable", "/x/"),
            sys.exc_info(),
        )
    assert DatabaseOutageFilter().filter(record)
    assert record.exc_info is None
    assert record.getMessage() == (
        "Service Unavailable: /x/ (database unavailable: server closed the connection unexpectedly)"
    )
    other = logging.LogRecord("x", logging.ERROR, "", 0, "50% done", (), None)
    assert DatabaseOutageFilter().filter(other) and other.getMessage() == "50% done"


def test_a_static_file_missing_from_the_manifest_is_served_under_its_own_name(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    assert storage.url("css/site.css") == "/static/css/site.css"
    assert "is not collected" in caplog.text
