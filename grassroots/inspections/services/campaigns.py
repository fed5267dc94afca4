"""The model-branch campaign (示范创优) and the star-rating history.

An application moves applied → reviewed → in notice (公示, N working days from publication,
`core.calendar.add_working_days`) → awarded / not awarded; an objection may be recorded
during the notice, which stops the clock until the decision. `TRANSITIONS` is the table.
Awarding records a `StarRating`; a later review records another row (a downgrade keeps
the history: the current rating is the latest row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.core import audit, calendar, clock
from grassroots.core.actors import Actor, acting_user
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.services import require, require_visible
from grassroots.inspections import notices
from grassroots.inspections.models import (
    Application,
    ApplicationScore,
    Campaign,
    IndicatorSet,
    StarRating,
)
from grassroots.inspections.services.common import (
    committee_of,
    parse_score,
    require_any,
    require_branch,
    require_committee,
)
from grassroots.inspections.services.inspections import secretaries_of
from grassroots.notify.services import notify
from grassroots.party.models import Organization

S = Application.Status
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.APPLIED: (S.REVIEWED,),
    S.REVIEWED: (S.REVIEWED, S.IN_NOTICE, S.NOT_AWARDED),
    S.IN_NOTICE: (S.OBJECTED, S.AWARDED, S.NOT_AWARDED),
    S.OBJECTED: (S.AWARDED, S.NOT_AWARDED),
    S.AWARDED: (),
    S.NOT_AWARDED: (),
}
MAX_NOTICE_DAYS = 30


def _move(application: Application, target: str) -> None:
    allowed = TRANSITIONS[application.status]
    if target not in allowed:
        names = ", ".join(str(S(s).label) for s in allowed) or "—"
        raise ValidationError(
            {
                "status": _(
                    "An application %(status)s cannot become %(target)s; allowed: %(allowed)s"
                )
                % {
                    "status": application.get_status_display(),
                    "target": S(target).label,
                    "allowed": names,
                }
            }
        )
    application.status = target


@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    committee: Organization,
    title: str,
    criteria: IndicatorSet,
    applies_from: dt.date,
    applies_until: dt.date,
    notice_days: int = 5,
    is_demo: bool = False,
) -> Campaign:
    require(actor, Cap.INSPECT)
    require_committee(actor, committee)
    require_visible(actor, criteria)
    if (
        criteria.status != IndicatorSet.Status.ACTIVE
        or criteria.purpose != IndicatorSet.Purpose.CAMPAIGN
    ):
        raise ValidationError({"criteria": _("Choose an active set of campaign criteria.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the campaign a title.")})
    if applies_until < applies_from:
        raise ValidationError({"applies_until": _("The window ends before it starts.")})
    if not 1 <= notice_days <= MAX_NOTICE_DAYS:
        raise ValidationError(
            {"notice_days": _("The notice lasts 1 to %(n)s working days.") % {"n": MAX_NOTICE_DAYS}}
        )
    campaign = Campaign.objects.create(
        town=committee.town,
        committee=committee,
        org_path=committee.path,
        title=title.strip()[:120],
        criteria=criteria,
        applies_from=applies_from,
        applies_until=applies_until,
        notice_days=notice_days,
        created_at=clock.now(),
        is_demo=is_demo,
    )
    audit.record(actor=actor, action=Action.INSPECTIONS_CAMPAIGN_CREATED, obj=campaign)
    return campaign


def _scores(campaign: Campaign, scores: Mapping[Any, Any], prefix: str) -> dict[int, Decimal]:
    """Every criterion scored within its weight: {indicator id: score}."""
    indicators = list(campaign.criteria.indicators.all())
    given = {str(getattr(k, "pk", k)): v for k, v in scores.items()}
    result = {}
    for ind in indicators:
        if given.get(str(ind.pk)) in (None, ""):
            raise ValidationError(
                {f"{prefix}_{ind.pk}": _("%(title)s: not scored yet.") % {"title": ind.title}}
            )
        result[ind.pk] = parse_score(
            given[str(ind.pk)], ind.weight, field=f"{prefix}_{ind.pk}", title=ind.title
        )
    if set(given) - {str(i.pk) for i in indicators}:
        raise ValidationError({prefix: _("A criterion is not part of this campaign.")})
    return result


@transaction.atomic
def application_submit(
    *,
    actor: Actor,
    campaign: Campaign,
    organization: Organization,
    self_scores: Mapping[Any, Any],
    statement: str = "",
    is_demo: bool = False,
) -> Application:
    """A branch applies with a self-score per criterion, inside the application window."""
    require_any(actor, Cap.DO_DUTIES, Cap.MANAGE_DUTIES, Cap.INSPECT)
    require_visible(actor, campaign)
    require_branch(actor, organization)
    if not organization.path.startswith(campaign.org_path):
        raise ValidationError({"organization": _("This branch is not in the campaign's town.")})
    today = clock.today()
    if campaign.status != Campaign.Status.OPEN or not (
        campaign.applies_from <= today <= campaign.applies_until
    ):
        raise ValidationError({"campaign": _("The campaign is not taking applications today.")})
    if Application.objects.filter(campaign=campaign, organization=organization).exists():
        raise ValidationError({"organization": _("This branch has already applied.")})
    scores = _scores(campaign, self_scores, "self")
    application = Application.objects.create(
        campaign=campaign,
        organization=organization,
        org_path=organization.path,
        town=campaign.town,
        statement=(statement or "").strip()[:4000],
        self_total=sum(scores.values(), Decimal(0)),
        applied_at=clock.now(),
        is_demo=is_demo,
    )
    ApplicationScore.objects.bulk_create(
        ApplicationScore(application=application, indicator_id=k, self_score=v)
        for k, v in scores.items()
    )
    audit.record(actor=actor, action=Action.INSPECTIONS_APPLICATION_SUBMITTED, obj=application)
    return application


@transaction.atomic
def application_review(
    *, actor: Actor, application: Application, scores: Mapping[Any, Any], note: str = ""
) -> Application:
    """The reviewers' score per criterion; the reviewer is added to the application's reviewers."""
    require(actor, Cap.INSPECT)
    require_visible(actor, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    _move(application, S.REVIEWED)
    reviewed = _scores(application.campaign, scores, "review")
    for row in application.scores.all():
        row.review_score = reviewed[row.indicator_id]
        row.save(update_fields=["review_score"])
    application.review_total = sum(reviewed.values(), Decimal(0))
    application.review_note = (note or "").strip()[:4000]
    application.save(update_fields=["status", "review_total", "review_note"])
    user = acting_user(actor)
    if user is not None:
        application.reviewers.add(user)
    audit.record(
        actor=actor,
        action=Action.INSPECTIONS_APPLICATION_REVIEWED,
        obj=application,
        data={"review_total": str(application.review_total)},
    )
    return application


@transaction.atomic
def application_publish(*, actor: Actor, application: Application) -> Application:
    """Start the public notice today; it ends after the campaign's N working days."""
    require(actor, Cap.INSPECT)
    require_visible(actor, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    _move(application, S.IN_NOTICE)
    today = clock.today()
    application.notice_starts_on = today
    application.notice_ends_on = calendar.add_working_days(today, application.campaign.notice_days)
    application.save(update_fields=["status", "notice_starts_on", "notice_ends_on"])
    audit.record(actor=actor, action=Action.INSPECTIONS_APPLICATION_PUBLISHED, obj=application)
    notify(
        recipients=secretaries_of(application.organization),
        message=notices.PUBLISHED,
        params={
            "branch": application.organization.name,
            "campaign": application.campaign.title,
            "until": application.notice_ends_on.isoformat(),
        },
        key=f"inspections.published.{application.pk}",
        url=reverse("inspections:application", args=[application.pk]),
        obj=application,
    )
    return application


@transaction.atomic
def application_object(*, actor: Actor, application: Application, objection: str) -> Application:
    """Record an objection received during the notice period."""
    require(actor, Cap.INSPECT)
    require_visible(actor, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not (objection or "").strip():
        raise ValidationError({"objection": _("Say what the objection is.")})
    if application.status == S.IN_NOTICE and clock.today() > application.notice_ends_on:  # type: ignore[operator]
        raise ValidationError({"objection": _("The notice period is over.")})
    _move(application, S.OBJECTED)
    application.objection = objection.strip()[:4000]
    application.save(update_fields=["status", "objection"])
    audit.record(actor=actor, action=Action.INSPECTIONS_OBJECTION_RECORDED, obj=application)
    return application


@transaction.atomic
def application_decide(
    *,
    actor: Actor,
    application: Application,
    award: bool,
    stars: int | None = None,
    note: str = "",
) -> Application:
    """Award a star rating (after the notice ends, or after an objection) or decline."""
    require(actor, Cap.INSPECT)
    require_visible(actor, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    target = S.AWARDED if award else S.NOT_AWARDED
    if application.status == S.IN_NOTICE and clock.today() <= application.notice_ends_on:  # type: ignore[operator]
        raise ValidationError(
            {
                "status": _("The public notice runs until %(date)s; decide after it ends.")
                % {"date": application.notice_ends_on}
            }
        )
    _move(application, target)
    application.decision_note = (note or "").strip()[:4000]
    if award:
        _check_stars(stars)
        application.stars = stars
        star_rating_record(
            actor=actor,
            organization=application.organization,
            stars=stars,  # type: ignore[arg-type]
            reason=application.decision_note or application.campaign.title,
            campaign=application.campaign,
        )
    application.save(update_fields=["status", "decision_note", "stars"])
    audit.record(
        actor=actor,
        action=Action.INSPECTIONS_APPLICATION_DECIDED,
        obj=application,
        data={"status": target, "stars": stars},
    )
    return application


def _check_stars(stars: Any) -> None:
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        raise ValidationError({"stars": _("A rating is 1 to 5 stars.")})


@transaction.atomic
def star_rating_record(
    *,
    actor: Actor,
    organization: Organization,
    stars: int,
    reason: str,
    campaign: Campaign | None = None,
    on: dt.date | None = None,
    is_demo: bool = False,
) -> StarRating:
    """A new step of a branch's rating history (an award, a review, a downgrade)."""
    require(actor, Cap.INSPECT)
    require_branch(actor, organization)
    _check_stars(stars)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for this rating.")})
    day = on or clock.today()
    if day > clock.today():
        raise ValidationError({"awarded_on": _("A rating cannot be dated in the future.")})
    rating = StarRating.objects.create(
        organization=organization,
        org_path=organization.path,
        town=organization.town or committee_of(organization).town,
        stars=stars,
        awarded_on=day,
        campaign=campaign,
        reason=reason[:2000],
        created_at=clock.now(),
        created_by=acting_user(actor),
        is_demo=is_demo,
    )
    audit.record(
        actor=actor, action=Action.INSPECTIONS_STARS_RATED, obj=rating, data={"stars": stars}
    )
    return rating
