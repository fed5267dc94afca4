from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import coverage
import pytest
from django.db import connections
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from grassroots.accounts.models import User
from grassroots.core import clock, memo
from grassroots.testing import Town, build_town


@pytest.fixture(autouse=True)
def _release_clock() -> Iterator[None]:
    yield
    clock.set_now(None)


@pytest.fixture
def town(db: None) -> Town:
    return build_town()


@pytest.fixture
def client_for(town: Town) -> object:
    """client_for("rita") → a logged-in page client."""

    def make(username: str) -> Client:
        # force_login: django-axes refuses Client.login(), which has no request.
        c = Client()
        c.force_login(User.objects.get(username=username))
        return c

    return make


@pytest.fixture
def api_for(town: Town) -> object:
    """api_for("rita") → an API client authenticated with rita's token."""

    def make(username: str) -> APIClient:
        token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return c

    return make


def pytest_configure(config: pytest.Config) -> None:
    # Playwright's sync API runs an event loop in the test thread; Django's ORM
    # guard would otherwise refuse the live-server tests' own setup queries.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def database_vendor() -> str:
    """`sqlite` or `postgresql`: the backend this run's tests use."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    return "postgresql" if "postgresql" in engine else "sqlite"


def skip_once_tests_elsewhere(items: list[pytest.Item]) -> None:
    """`@pytest.mark.once` tests (the pages' rules, screenshots, the server's processes) do not
    depend on the database: CI runs the suite on both backends side by side and sets
    GRASSROOTS_ONCE_ON to the one that runs them. Unset (any local run), everything runs."""
    once_on = os.environ.get("GRASSROOTS_ONCE_ON", "")
    if not once_on or once_on == database_vendor():
        return
    skip = pytest.mark.skip(reason=f"backend-independent: run in the {once_on} suite")
    for item in items:
        if item.get_closest_marker("once"):
            item.add_marker(skip)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Transactional tests restore the rows migrations seeded (calendar, categories).

    A transactional test ends by truncating every table, so the next one would run
    without the working-day calendar or the default case categories. Serialized
    rollback reloads them at the start of each such test.
    """
    skip_once_tests_elsewhere(items)
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = set(getattr(item, "fixturenames", ()))
        if ({"transactional_db", "live_server"} & fixtures) or (
            marker and marker.kwargs.get("transaction")
        ):
            kwargs = dict(marker.kwargs) if marker else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A live-server test closes the connections it opened, where it opened them.

    Django keeps one connection per context, and Playwright's sync API runs the
    test body in a context of its own: the connections the test opens there are
    out of reach of the teardown (which runs back in the original context), stay
    open, and keep the test database from being dropped at the end of the run.
    The live-server tests are transactional, so closing never cuts a transaction.
    """
    try:
        return (yield)
    finally:
        if "live_server" in getattr(item, "fixturenames", ()):
            connections.close_all()


@pytest.fixture(autouse=True)
def _fresh_memos() -> Iterator[None]:
    """Process memos (core.memo) start empty in every test: ids are reused between tests."""
    memo.clear_all()
    yield
    memo.clear_all()


# --- coverage floors (`make test` runs `coverage run -m pytest --coverage-floors`) ---------
# The whole project must stay at [tool.coverage.report] fail_under (pyproject.toml); these
# modules, on which every deadline and every read depends, are held at 100%.
FULLY_COVERED = (
    "grassroots/core/scoping.py",
    "grassroots/accounts/scope.py",
    "grassroots/core/calendar.py",
    "grassroots/cases/deadlines.py",
    "grassroots/cases/workflow.py",
)
REPO = Path(__file__).resolve().parent.parent
_floors = pytest.StashKey[tuple[list[str], bool]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--coverage-floors",
        action="store_true",
        help="under `coverage run`, fail below the project floor or below 100% for FULLY_COVERED",
    )


def check_coverage_floors(cov: coverage.Coverage) -> tuple[list[str], bool]:
    """Lines to print, and whether every floor holds."""
    cov.stop()
    cov.save()
    floor = float(cov.get_option("report:fail_under") or 0)  # type: ignore[arg-type]
    total = cov.report(file=io.StringIO())
    ok = round(total, 2) >= floor
    lines = [
        f"coverage: {total:.2f}% of the project (floor {floor:g}%)" + ("" if ok else " FAILED")
    ]
    missing = [name for name in FULLY_COVERED if not (REPO / name).is_file()]
    if missing:
        return [*lines, f"coverage: FULLY_COVERED names missing files: {missing} FAILED"], False
    table = io.StringIO()
    full = cov.report(file=table, include=[str(REPO / n) for n in FULLY_COVERED], show_missing=True)
    if full < 100:
        lines += [f"coverage: {full:.2f}% of the fully covered modules (floor 100%) FAILED"]
        lines += table.getvalue().splitlines()
        return lines, False
    lines.append(f"coverage: 100% of {', '.join(Path(n).name for n in FULLY_COVERED)}")
    return lines, ok


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not session.config.getoption("coverage_floors"):
        return
    cov = coverage.Coverage.current()
    if cov is None:
        result = (["--coverage-floors needs `coverage run -m pytest` FAILED"], False)
    else:
        result = check_coverage_floors(cov)
    session.config.stash[_floors] = result
    if not result[1] and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Printed before pytest's closing line, which stays the last line of the run."""
    lines, _ok = terminalreporter.config.stash.get(_floors, ([], True))
    if lines:
        terminalreporter.write_sep("-", "coverage floors")
        for line in lines:
            terminalreporter.write_line(line)
