"""Generating a report: its figures, then the .xlsx and the PDF; the schedule.

`generate` is the whole job (the worker runs it; tests call it); `request` is what the
"generate now" page calls: it marks the report queued and hands `generate` to the worker
after the commit. A report is unique per (kind, period, node): generating it again
replaces its figures and files in place (the audit log keeps every generation).
What a report holds and how it reads is `contents`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grassroots.cadence.pdf import render_pdf
from grassroots.core import audit, clock
from grassroots.core.actors import Actor, acting_user
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.scoping import Unscoped, scope_for, unscoped
from grassroots.core.services import require, require_reach
from grassroots.grid.models import Place
from grassroots.reports import tasks
from grassroots.reports.contents import (
    NODE_KINDS,
    committee_of,
    compute,
    context,
    last_complete_period,
    period_bounds,
    workbook,
)
from grassroots.reports.models import Report

# --- the services -----------------------------------------------------------------------


def _check(actor: Actor, kind: str, period: str, place: Place) -> tuple[dt.date, dt.date]:
    if kind not in Report.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of report.")})
    if place.kind not in NODE_KINDS:
        raise ValidationError({"place": _("Reports are made for a town or a county.")})
    start, end = period_bounds(kind, period)
    if actor is not None:
        require(actor, Cap.MAKE_REPORTS)
        reader_reach(actor, place)
    return start, end


def reader_reach(actor: Actor, place: Place) -> None:
    """404 unless the actor reaches the node's subtree or its Party committee."""
    scope = scope_for(actor)
    committee = committee_of(place)
    if committee is not None and committee.reached_by(scope):
        return
    require_reach(actor, place)


def _row(*, actor: Actor, kind: str, period: str, place: Place, start: dt.date) -> Report:
    committee = committee_of(place)
    report, _created = (
        unscoped(Report, why=Unscoped.SYSTEM)
        .select_for_update()
        .get_or_create(
            kind=kind,
            period=period,
            place=place,
            defaults={
                "period_start": start,
                "place_path": place.path,
                "org_path": committee.path if committee else "",
                "town": place if place.kind != Place.Kind.COUNTY else None,
                "requested_at": clock.now(),
            },
        )
    )
    report.generated_by = acting_user(actor)
    report.requested_at = clock.now()
    return report


@transaction.atomic
def request(*, actor: Actor, kind: str, period: str, place: Place) -> Report:
    """Mark the report queued and let the worker generate it once this commits."""
    start, _end = _check(actor, kind, period, place)
    report = _row(actor=actor, kind=kind, period=period, place=place, start=start)
    report.status = Report.Status.QUEUED
    report.error = ""
    report.save()
    actor_id = getattr(acting_user(actor), "pk", None)

    # The worker reads the committed row (tasks imports this module: the name is read late).
    transaction.on_commit(lambda: tasks.generate_task(kind, period, place.pk, actor_id))
    return report


@transaction.atomic
def generate(*, actor: Actor, kind: str, period: str, place: Place) -> Report:
    """Generate (or regenerate, replacing) the report of `place` for `period`; audited."""
    start, end = _check(actor, kind, period, place)
    report = _row(actor=actor, kind=kind, period=period, place=place, start=start)
    report.figures = compute(kind=kind, place=place, start=start, end=end, period=period)
    report.generated_at = clock.now()
    base = f"{kind}-{period}-{place.pk}"
    # The files are the town's official copy: in the site's language, whoever asked.
    with translation.override(settings.LANGUAGE_CODE):
        content = workbook(report)
        printed = timezone.localtime(report.generated_at)
        pdf = render_pdf("reports/report_print.html", {**context(report), "printed": printed})
    for old in (report.xlsx, report.pdf):
        if old:
            old.delete(save=False)
    report.xlsx.save(f"{base}.xlsx", ContentFile(content), save=False)
    report.pdf.save(f"{base}.pdf", ContentFile(pdf), save=False)
    report.status = Report.Status.READY
    report.error = ""
    report.save()
    audit.record(
        actor=actor,
        action=Action.REPORTS_GENERATED,
        obj=report,
        data={"kind": kind, "period": period, "place": place.path},
    )
    return report


@transaction.atomic
def mark_failed(*, actor: Actor, kind: str, period: str, place: Place, error: str) -> None:
    """A generation that raised: the report says so instead of staying queued."""
    start, _end = period_bounds(kind, period)
    report = _row(actor=actor, kind=kind, period=period, place=place, start=start)
    report.status = Report.Status.FAILED
    report.error = error[:500]
    report.save()
    audit.record(
        actor=actor,
        action=Action.REPORTS_FAILED,
        obj=report,
        data={"kind": kind, "period": period, "place": place.path},
    )


def scheduled(*, today: dt.date) -> list[Report]:
    """The schedule's reports as of `today`: every town's monthly report of the last complete
    month (made on the 1st) and its quarterly review of the last complete quarter (made on
    a quarter's first day). A ready report is kept; one missing (the worker was down on the
    1st, a town was added) or failed is made on the next run, so each is made once."""
    kinds = (Report.Kind.MONTHLY, Report.Kind.QUARTERLY)
    made = []
    towns = unscoped(Place, why=Unscoped.SYSTEM).filter(
        kind__in=(Place.Kind.TOWN, Place.Kind.SUBDISTRICT)
    )
    for kind in kinds:
        period = last_complete_period(kind, today)
        done = set(
            unscoped(Report, why=Unscoped.SYSTEM)
            .filter(kind=kind, period=period, status=Report.Status.READY)
            .values_list("place_id", flat=True)
        )
        for town in towns.order_by("path"):
            if town.pk in done:
                continue
            try:
                made.append(generate(actor=None, kind=kind, period=period, place=town))
            except Exception as exc:  # noqa: BLE001 - one town's failure must not stop the others
                mark_failed(actor=None, kind=kind, period=period, place=town, error=repr(exc))
    return made
