"""Schemathesis over the OpenAPI schema as three personas (issue #9, acceptance 2).

In process: Django's WSGI application inside the test's transaction (no server, no
network), every operation of `/api/schema/`, writes allowed (it is the test database),
with every check schemathesis registers (no server error, status code, content type,
headers and response schema conformance, and the rest). Bounded: a few examples per
operation and persona, derandomised so that CI is reproducible;
`GRASSROOTS_FUZZ_EXAMPLES=200` runs it longer locally.

A failure that belongs to a defect of issue #9 being fixed elsewhere is listed,
narrowly, in KNOWN_DEFECTS (operation, check): the lead removes the entry when the fix
lands; a listed failure that no longer happens is reported as a warning.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import Failure, FailureGroup

from grassroots.accounts.models import User
from grassroots.testing import Town
from grassroots.wsgi import application

EXAMPLES = int(os.environ.get("GRASSROOTS_FUZZ_EXAMPLES", "4"))
PERSONAS = ("alice", "sam", "rita")  # town administrator, village secretary, representative
BUDGET_S = 150 if EXAMPLES <= 4 else 3600  # per persona, so CI stays within its time

# Every registered check runs but this one: a schema-valid body names ids (an
# organisation, a household) that do not exist or lie out of the persona's reach, and
# the API rightly refuses them (400/404); random data cannot know which ids a persona reaches.
EXCLUDED_CHECKS = {"positive_data_acceptance"}

# (operation label, check) → the defect of issue #9 that makes it fail today.
KNOWN_DEFECTS: dict[tuple[str, str], str] = {}

# Entries seen in some runs only (longer runs, or the whole suite, where the database's
# ids differ): not reported as stale when a run does not meet them.
NOT_EVERY_RUN: set[tuple[str, str]] = set()


@pytest.fixture
def wsgi_in_transaction() -> Iterator[Any]:
    """Django's WSGI app inside the test's transaction: the request signals would
    otherwise close the connection that holds it (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _record(found: dict[tuple[str, str], str], label: str, exc: BaseException) -> None:
    failures = exc.exceptions if isinstance(exc, FailureGroup) else (exc,)
    for failure in failures:
        key = (label, str(getattr(failure, "title", type(failure).__name__)))
        found.setdefault(key, " ".join(str(getattr(failure, "message", failure)).split())[:400])


def fuzz(schema: Any, token: str) -> tuple[dict[tuple[str, str], str], int]:
    """Every operation, EXAMPLES cases each; (failures found, cases run)."""
    load_all_checks()
    checks = [c for c in CHECKS.get_all() if getattr(c, "__name__", "") not in EXCLUDED_CHECKS]
    found: dict[tuple[str, str], str] = {}
    ran = [0]
    unreached: list[str] = []
    deadline = time.monotonic() + BUDGET_S
    for result in schema.get_all_operations():
        operation = result.ok()
        if time.monotonic() > deadline:
            unreached.append(operation.label)
            continue
        run_operation(operation, token, checks, found, ran)
    if unreached:
        # A slow machine (CI shares its cores) must not fail the run: say what was skipped.
        warnings.warn(
            f"schemathesis budget of {BUDGET_S} s spent; not reached: {unreached}", stacklevel=1
        )
    return found, ran[0]


def run_operation(
    operation: Any, token: str, checks: list[Any], found: dict[tuple[str, str], str], ran: list[int]
) -> None:
    label = operation.label

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        ran[0] += 1
        try:
            case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=checks)
        except (Failure, FailureGroup) as exc:
            _record(found, label, exc)

    run()


@pytest.mark.slow
@pytest.mark.parametrize("persona", PERSONAS)
def test_schemathesis_finds_nothing(town: Town, persona: str, wsgi_in_transaction: Any) -> None:
    token, _ = Token.objects.get_or_create(user=User.objects.get(username=persona))
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_in_transaction)
    found, ran = fuzz(schema, token.key)
    assert ran >= 60, f"only {ran} cases ran"
    known = set(KNOWN_DEFECTS)
    for key in sorted(known - set(found) - NOT_EVERY_RUN):
        warnings.warn(
            f"KNOWN_DEFECTS {key} did not fail as {persona}: fixed? then remove it", stacklevel=1
        )
    unexpected = {k: v for k, v in found.items() if k not in known}
    assert not unexpected, f"{persona}:\n" + "\n".join(
        f"{label} [{check}] {detail}" for (label, check), detail in sorted(unexpected.items())
    )
