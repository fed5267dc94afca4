"""Queued filing (/api/case-intake/): one INSERT in the request, the case made by the worker."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grassroots.cases import services, sweeps
from grassroots.cases.models import Case, CaseEvent, CaseIntake, IntakeStatus
from grassroots.cases.services import intake as intake_service
from grassroots.core import pollers
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.grid.models import Representative
from grassroots.notify.models import Notice
from grassroots.testing import Town

BODY = {"text": "村口路灯不亮，晚上看不见路", "category": "roads-lights"}


def test_a_queued_filing_is_answered_with_a_receipt_and_registered_by_the_worker(
    town: Town, api_for: Any, monday: Any
) -> None:
    api = api_for("sam")
    first = api.post("/api/case-intake/", {**BODY, "place": town.group_a1.pk}, format="json")
    assert first.status_code == 202, first.content
    receipt = first.json()
    assert receipt["status"] == "pending" and receipt["case"] is None
    assert receipt["track_url"] == f"/cases/track/{receipt['code']}/"
    assert not Case.objects.exists()

    # A second filing by the same client reads nothing and writes one row.
    with CaptureQueriesContext(connection) as queries:
        second = api.post(
            "/api/case-intake/",
            {**BODY, "place": town.group_a1.pk, "text": "村口路灯又坏了一盏"},
            format="json",
        )
    assert second.status_code == 202
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if q.startswith("SELECT")], sql
    assert len([q for q in sql if q.startswith("INSERT")]) == 1, sql

    # Until the worker runs, the receipt and the public tracking page say "being registered".
    assert api.get(f"/api/case-intake/{receipt['code']}/").json()["status"] == "pending"
    page = Client().get(receipt["track_url"])
    assert page.status_code == 200 and "正在登记" in page.content.decode()

    received_at = CaseIntake.objects.get(code=receipt["code"]).received_at
    assert services.intake_drain() == 2
    assert services.intake_drain() == 0
    case = Case.objects.get(code=receipt["code"])
    assert case.submitted_at == received_at
    # Registered filings leave the queue in the same transaction.
    assert not CaseIntake.objects.exists()
    assert case.place == town.group_a1 and case.category.code == "roads-lights"
    assert case.submitted_by == town.sam and case.channel == "phone"
    assert CaseEvent.objects.filter(case=case, kind="submit").count() == 1
    assert (
        AuditEvent.objects.filter(action=Action.CASE_SUBMITTED, object_id=str(case.pk)).count() == 1
    )
    # Registered and announced together: the village secretary is told once per case.
    assert Notice.objects.filter(kind="case.submitted", recipient=town.sam).count() == 2
    assert sweeps.sweep_announcements() == 0

    done = api.get(f"/api/case-intake/{receipt['code']}/").json()
    assert done["status"] == "done" and done["case"] == case.pk
    assert Client().get(receipt["track_url"]).context["case"] == case


def test_the_token_fast_path_and_the_drf_view_answer_alike(
    town: Town, api_for: Any, client_for: Any, monday: Any
) -> None:
    from grassroots.cases.serializers import CaseIntakeSerializer

    fields = set(CaseIntakeSerializer().fields)
    by_token = api_for("sam").post(
        "/api/case-intake/", {**BODY, "place": town.group_a1.pk}, format="json"
    )
    # A logged-in browser session goes through the DRF view itself.
    by_session = client_for("sam").post(
        "/api/case-intake/", {**BODY, "place": town.group_a1.pk}, content_type="application/json"
    )
    for response in (by_token, by_session):
        assert response.status_code == 202 and response["Content-Type"] == "application/json"
        assert set(response.json()) == fields
    assert CaseIntake.objects.count() == 2
    # Errors found on the fast path are answered by DRF, in its format.
    bad = api_for("sam").post("/api/case-intake/", {"place": town.group_a1.pk}, format="json")
    assert bad.status_code == 400 and bad.json() == {"text": ["该字段是必填项。"]}
    wrong_token = Client(HTTP_AUTHORIZATION="Token nope").post(
        "/api/case-intake/", BODY, content_type="application/json"
    )
    assert wrong_token.status_code == 401
    assert CaseIntake.objects.count() == 2


def test_deadlines_run_from_the_receipt_not_from_the_worker_pass(
    town: Town, api_for: Any, monday: Any
) -> None:
    from grassroots.core import clock

    code = (
        api_for("sam")
        .post("/api/case-intake/", {**BODY, "place": town.group_a1.pk}, format="json")
        .json()["code"]
    )
    clock.set_now(monday.replace(hour=17))
    services.intake_drain()
    case = Case.objects.get(code=code)
    assert case.submitted_at == monday
    assert case.events.get(kind="submit").at == monday


def test_a_queued_filing_is_checked_like_an_immediate_one(
    town: Town, api_for: Any, monday: Any
) -> None:
    short = api_for("sam").post(
        "/api/case-intake/", {"text": "灯", "place": town.group_a1.pk}, format="json"
    )
    assert short.status_code == 400 and "text" in short.json()
    unknown = api_for("sam").post(
        "/api/case-intake/", {**BODY, "category": "nope", "place": town.group_a1.pk}, format="json"
    )
    assert unknown.status_code == 400 and "category" in unknown.json()
    # 明月村's secretary cannot file for 上杉市村: the same 404 as a missing place.
    outside = api_for("sam").post(
        "/api/case-intake/", {**BODY, "place": town.group_b1.pk}, format="json"
    )
    assert outside.status_code == 404
    missing = api_for("sam").post("/api/case-intake/", {**BODY, "place": 999999}, format="json")
    assert missing.status_code == 404
    assert not CaseIntake.objects.exists()


def test_a_receipt_is_seen_only_by_the_account_that_filed_it(
    town: Town, api_for: Any, monday: Any
) -> None:
    code = (
        api_for("sam")
        .post("/api/case-intake/", {**BODY, "place": town.group_a1.pk}, format="json")
        .json()["code"]
    )
    assert api_for("rita").get(f"/api/case-intake/{code}/").status_code == 404
    assert api_for("root").get(f"/api/case-intake/{code}/").status_code == 200


def test_a_filing_the_worker_can_no_longer_accept_is_marked_failed_with_the_reason(
    town: Town, api_for: Any, monday: Any
) -> None:
    receipt = (
        api_for("rita")
        .post("/api/case-intake/", {**BODY, "household": town.household_b1.pk}, format="json")
        .json()
    )
    # Before the worker runs, rita stops being a representative.
    Representative.objects.filter(user=town.rita).update(active=False)
    assert services.intake_drain() == 1
    intake = CaseIntake.objects.get(code=receipt["code"])
    assert intake.status == IntakeStatus.FAILED
    assert "scope" in intake.error or "范围" in intake.error
    assert not Case.objects.exists()
    page = Client().get(receipt["track_url"]).content.decode()
    assert "未登记" in page and intake.error in page
    refused = api_for("rita").get(f"/api/case-intake/{receipt['code']}/").json()
    assert refused["status"] == "failed" and refused["error"] == intake.error


def test_an_unreadable_filing_is_refused_without_blocking_the_queue(
    town: Town, api_for: Any, monday: Any
) -> None:
    CaseIntake.objects.create(code="BROKEN0001", received_at=monday, payload={"place": "?"})
    good = (
        api_for("sam")
        .post("/api/case-intake/", {**BODY, "place": town.group_a1.pk}, format="json")
        .json()["code"]
    )
    assert services.intake_drain() == 2
    broken = CaseIntake.objects.get(code="BROKEN0001")
    assert broken.status == IntakeStatus.FAILED and broken.error
    assert Case.objects.filter(code=good).exists()


def test_a_worker_killed_mid_batch_registers_nothing_twice_and_loses_nothing(
    town: Town, api_for: Any, monday: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = api_for("sam")
    codes = [
        api.post(
            "/api/case-intake/",
            {**BODY, "place": town.group_a1.pk, "text": f"路灯不亮 第{n}盏"},
            format="json",
        ).json()["code"]
        for n in range(3)
    ]
    real_submit = services.case_submit
    calls = {"n": 0}

    def dies_on_the_second(**kwargs: Any) -> Case:
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        return real_submit(**kwargs)

    monkeypatch.setattr(intake_service, "case_submit", dies_on_the_second)
    with pytest.raises(SystemExit):
        services.intake_drain()
    # The batch's transaction rolled back: nothing registered, nothing announced, all pending.
    assert not Case.objects.exists() and not Notice.objects.exists()
    assert CaseIntake.objects.filter(status=IntakeStatus.PENDING).count() == 3

    monkeypatch.setattr(intake_service, "case_submit", real_submit)
    assert services.intake_drain() == 3
    assert sorted(Case.objects.values_list("code", flat=True)) == sorted(codes)
    assert Notice.objects.filter(kind="case.submitted").count() == 3
    assert services.intake_drain() == 0


def test_a_database_failure_in_the_worker_leaves_the_filings_waiting(
    town: Town, api_for: Any, monday: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = (
        api_for("sam")
        .post("/api/case-intake/", {**BODY, "place": town.group_a1.pk}, format="json")
        .json()["code"]
    )

    def database_down(**kwargs: Any) -> Case:
        raise OperationalError("the database went away")

    monkeypatch.setattr(intake_service, "case_submit", database_down)
    with pytest.raises(OperationalError):
        services.intake_drain()
    # Not "failed": the filing is fine, so it waits for the next pass.
    assert CaseIntake.objects.get(code=code).status == IntakeStatus.PENDING
    monkeypatch.undo()
    assert services.intake_drain() == 1 and Case.objects.filter(code=code).exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_poller_registers_a_queued_filing_within_seconds(
    town: Town, api_for: Any
) -> None:
    """The real poller threads of `grassroots worker`, against committed data."""
    code = (
        api_for("sam")
        .post("/api/case-intake/", {**BODY, "place": town.group_a1.pk}, format="json")
        .json()["code"]
    )
    stop, threads = pollers.start_all(threading.Event())
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if Case.objects.filter(code=code, announced_at__isnull=False).exists():
                    break
            except OperationalError:
                pass  # SQLite's shared in-memory test database locks whole tables
            time.sleep(0.2)
        else:
            pytest.fail("the poller did not register the filing within 15 s")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    assert Notice.objects.filter(kind="case.submitted", recipient=town.sam).count() == 1
    assert not CaseIntake.objects.exists()
