"""The worker's side of queued filings: registering them as cases (decision 0007).

`filing.case_intake` accepts a filing into the queue during the request; here
the worker (`intake_drain`, polled every second) turns each one into its case,
keeping the tracking code it was given and its receipt time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.cases.models import Case, CaseIntake, Category, IntakeStatus
from grassroots.cases.services.filing import Entry, case_submit
from grassroots.core import clock
from grassroots.grid.models import Household, Place

logger = logging.getLogger(__name__)

INTAKE_BATCH = 200


@dataclass(frozen=True)
class _Rows:
    """Everything a batch's filings point at, read in one query per table."""

    actors: dict[int, User]
    places: dict[int, Place]
    households: dict[int, Household]
    categories: dict[int, Category]

    @classmethod
    def load(cls, batch: list[CaseIntake], data: list[dict[str, Any]]) -> _Rows:
        return cls(
            actors=User.objects.in_bulk(_ids(i.actor_id for i in batch)),
            places=Place.objects.in_bulk(_ids(d.get("place") for d in data)),
            households=Household.objects.select_related("place").in_bulk(
                _ids(d.get("household") for d in data)
            ),
            categories=Category.objects.select_related("parent").in_bulk(
                _ids(d.get("category") for d in data)
            ),
        )


def register_queued(intake: CaseIntake, filing: dict[str, Any], rows: _Rows) -> Case:
    """One queued filing as its case, announced in the same transaction."""
    if intake.actor_id and intake.actor_id not in rows.actors:
        raise PermissionDenied(_("The account that filed this no longer exists."))
    lat, lon, accuracy = (filing.get("position") or [None, None, None])[:3]
    return case_submit(
        actor=rows.actors.get(intake.actor_id),
        text=filing["text"],
        category=rows.categories.get(filing.get("category")),
        priority=filing.get("priority"),
        place=rows.places.get(filing.get("place")),
        household=rows.households.get(filing.get("household")),
        channel=filing["channel"],
        reporter_name=filing.get("reporter_name", ""),
        affected_households=filing.get("affected_households", 1),
        latitude=lat,
        longitude=lon,
        location_accuracy_m=accuracy,
        media_url=filing.get("media_url", ""),
        entry=Entry(
            code=intake.code,
            received_at=intake.received_at,
            sealed_phone=filing.get("reporter_phone"),
            announce_now=True,
        ),
    )


def intake_process(limit: int = INTAKE_BATCH) -> int:
    """Register up to `limit` queued filings as cases; return how many were taken.

    One transaction: the batch is locked (other workers skip it), each filing
    becomes its case (timeline, audit, announcement) under a savepoint and its
    queue row is deleted; a filing that can no longer be accepted stays, marked
    failed with the reason. A worker killed half way leaves the whole batch
    waiting; a filing is never registered twice.
    """
    now = clock.now()
    with transaction.atomic():
        batch = list(
            CaseIntake.objects.select_for_update(skip_locked=True)
            .filter(status=IntakeStatus.PENDING)
            .order_by("received_at")[:limit]
        )
        if not batch:
            return 0
        data = [intake.payload if isinstance(intake.payload, dict) else {} for intake in batch]
        rows = _Rows.load(batch, data)
        registered: list[str] = []
        failed: list[CaseIntake] = []
        for intake, filing in zip(batch, data, strict=True):
            if _register_one(intake, filing, rows):
                registered.append(intake.code)
            else:
                failed.append(intake)
        CaseIntake.objects.filter(code__in=registered).delete()
        for intake in failed:
            intake.status, intake.processed_at = IntakeStatus.FAILED, now
        CaseIntake.objects.bulk_update(failed, ["status", "error", "processed_at"])
    return len(batch)


def _register_one(intake: CaseIntake, filing: dict[str, Any], rows: _Rows) -> bool:
    """True when registered; False with `intake.error` set when refused."""
    try:
        with transaction.atomic():
            register_queued(intake, filing, rows)
    except (ValidationError, PermissionDenied, IntegrityError) as exc:
        intake.error = "; ".join(getattr(exc, "messages", None) or [str(exc)])[:300]
        return False
    except DatabaseError:
        # The database, not the filing (down, locked, mid-deploy): the
        # whole batch rolls back and stays waiting for the next pass.
        raise
    except Exception:
        # A filing the worker cannot read must not block the queue behind it.
        logger.exception("queued filing %s could not be registered", intake.code)
        intake.error = _("The filing could not be read; please file it again.")
        return False
    return True


def _ids(values: Iterable[Any]) -> set[int]:
    return {v for v in values if type(v) is int}


def intake_drain() -> int:
    """Process the queue until it is empty (the worker's poller); return the filings taken."""
    total = 0
    while True:
        taken = intake_process()
        total += taken
        if taken < INTAKE_BATCH:
            return total
