"""Writing audit events: called by services inside their transaction.

`build` returns the unsaved row, for services that insert it together with the
row it describes (core.rows.insert_family). Each row carries the request's source
address (`core.middleware.AuditSourceMiddleware` puts it in `SOURCE`), the acting
user's roles at the time and the result; its MAC is computed as it is inserted and
the worker chains it (`core.auditchain`, decision 0015).
"""

from __future__ import annotations

import contextvars
import enum
import ipaddress
from typing import Any

from django.db import models

from grassroots.core import clock
from grassroots.core.actors import Actor, acting_user
from grassroots.core.models import AuditEvent
from grassroots.core.scoping import scope_for

# The client address of the request being served ("" outside a request: the worker, a command).
SOURCE: contextvars.ContextVar[str] = contextvars.ContextVar("audit_source", default="")
Result = AuditEvent.Result


class Action(enum.StrEnum):
    """Every audited action, spelled `<app>.<object>_<past participle>`.

    The value is what the audit table stores; add a member here, never a literal at a
    call site.
    """

    ACCOUNTS_USER_CREATED = "accounts.user_created"
    ACCOUNTS_ROLE_GRANTED = "accounts.role_granted"
    ACCOUNTS_TOKEN_CREATED = "accounts.token_created"  # noqa: S105 - an action name
    ADMIN_ADDED = "admin.object_added"
    ADMIN_CHANGED = "admin.object_changed"
    ADMIN_DELETED = "admin.object_deleted"
    ANALYTICS_REBUILT = "analytics.figures_rebuilt"
    DEMO_LOADED = "demo.town_loaded"
    DEMO_RESET = "demo.town_reset"
    EXCHANGE_EXPORTED = "exchange.rows_exported"
    GRID_TAG_ADDED = "grid.tag_added"
    GRID_PLACE_CREATED = "grid.place_created"
    GRID_HOUSEHOLD_CREATED = "grid.household_created"
    GRID_HOUSEHOLD_UPDATED = "grid.household_updated"
    GRID_HOUSEHOLDS_IMPORTED = "grid.households_imported"
    GRID_RESIDENT_CREATED = "grid.resident_created"
    GRID_REPRESENTATIVE_CREATED = "grid.representative_created"
    GRID_REPRESENTATIVE_LINKED = "grid.representative_linked"
    GRID_VISIT_LOGGED = "grid.visit_logged"
    NOTIFY_NOTICE_SENT = "notify.notice_sent"
    NOTIFY_NOTICE_READ = "notify.notice_read"
    NOTIFY_ALL_READ = "notify.all_read"
    NOTIFY_PREFERENCES_CHANGED = "notify.preferences_changed"
    NOTIFY_WEBHOOK_CREATED = "notify.webhook_created"
    NOTIFY_WEBHOOK_UPDATED = "notify.webhook_updated"
    OPEN311_APIKEY_CREATED = "open311.apikey_created"
    OPEN311_APIKEY_REVOKED = "open311.apikey_revoked"
    OPEN311_REQUEST_RECEIVED = "open311.request_received"
    PARTY_ORGANIZATION_CREATED = "party.organization_created"
    PARTY_ORGANIZATIONS_IMPORTED = "party.organizations_imported"
    PARTY_MEMBER_CREATED = "party.member_created"
    PARTY_MEMBER_UPDATED = "party.member_updated"
    PARTY_INSTRUCTOR_CREATED = "party.instructor_created"
    PARTY_INSTRUCTOR_ASSIGNED = "party.instructor_assigned"
    PARTY_INSTRUCTOR_UNASSIGNED = "party.instructor_unassigned"
    PARTY_GUIDANCE_VISIT_LOGGED = "party.guidance_visit_logged"
    PERSONAL_REVEALED = "personal.revealed"

    # Organisational life and "Party-building+" (issue #11; orglife, alliances)
    ORGLIFE_MEETING_RECORDED = "orglife.meeting_recorded"
    ORGLIFE_MEETING_UPDATED = "orglife.meeting_updated"
    ORGLIFE_MEETINGS_EXPORTED = "orglife.meetings_exported"

    ALLIANCES_ALLIANCE_CREATED = "alliances.alliance_created"
    ALLIANCES_PROJECT_CREATED = "alliances.project_created"
    ALLIANCES_ALLIANCE_UPDATED = "alliances.alliance_updated"
    ALLIANCES_MEMBER_ADDED = "alliances.member_added"
    ALLIANCES_MEMBER_REMOVED = "alliances.member_removed"
    ALLIANCES_PROJECT_UPDATED = "alliances.project_updated"
    ALLIANCES_MILESTONE_ADDED = "alliances.milestone_added"
    ALLIANCES_MILESTONE_DONE = "alliances.milestone_done"
    ALLIANCES_EXPORTED = "alliances.exported"

    # Rectification (issue #11; rectify)
    RECTIFY_ITEM_REGISTERED = "rectify.item_registered"
    RECTIFY_ITEM_CLOSED = "rectify.item_closed"
    RECTIFY_ITEM_ASSIGNED = "rectify.item_assigned"
    RECTIFY_ITEM_ACCEPTED = "rectify.item_accepted"
    RECTIFY_CLOSURE_REQUESTED = "rectify.closure_requested"
    RECTIFY_REVIEW_STARTED = "rectify.review_started"
    RECTIFY_ITEM_RETURNED = "rectify.item_returned"
    RECTIFY_ITEM_REWORKED = "rectify.item_reworked"
    RECTIFY_ITEM_WARNED = "rectify.item_warned"
    RECTIFY_EXTENSION_REQUESTED = "rectify.extension_requested"
    RECTIFY_EXTENSION_APPROVED = "rectify.extension_approved"
    RECTIFY_EXTENSION_REFUSED = "rectify.extension_refused"
    RECTIFY_LEDGER_EXPORTED = "rectify.ledger_exported"

    # Inspections and model-branch campaigns (issue #11; inspections)
    INSPECTIONS_INDICATOR_SET_CREATED = "inspections.indicator_set_created"
    INSPECTIONS_INSPECTION_RECORDED = "inspections.inspection_recorded"
    INSPECTIONS_INDICATOR_SET_UPDATED = "inspections.indicator_set_updated"
    INSPECTIONS_INDICATOR_SET_ACTIVATED = "inspections.indicator_set_activated"
    INSPECTIONS_INDICATOR_SET_REVISED = "inspections.indicator_set_revised"
    INSPECTIONS_PLAN_CREATED = "inspections.plan_created"
    INSPECTIONS_SAMPLE_DRAWN = "inspections.sample_drawn"
    INSPECTIONS_INSPECTION_SCORED = "inspections.inspection_scored"
    INSPECTIONS_INSPECTION_SUBMITTED = "inspections.inspection_submitted"
    INSPECTIONS_INSPECTION_ACKNOWLEDGED = "inspections.inspection_acknowledged"
    INSPECTIONS_FINDINGS_RECTIFIED = "inspections.findings_rectified"
    INSPECTIONS_CAMPAIGN_CREATED = "inspections.campaign_created"
    INSPECTIONS_APPLICATION_SUBMITTED = "inspections.application_submitted"
    INSPECTIONS_APPLICATION_REVIEWED = "inspections.application_reviewed"
    INSPECTIONS_APPLICATION_PUBLISHED = "inspections.application_published"
    INSPECTIONS_OBJECTION_RECORDED = "inspections.objection_recorded"
    INSPECTIONS_APPLICATION_DECIDED = "inspections.application_decided"
    INSPECTIONS_STARS_RATED = "inspections.stars_rated"
    INSPECTIONS_EXPORTED = "inspections.exported"

    # Duty plans and checklists (issue #11; duties)
    DUTIES_PLAN_CREATED = "duties.plan_created"
    DUTIES_PERIOD_GENERATED = "duties.period_generated"
    DUTIES_PLAN_PUBLISHED = "duties.plan_published"
    DUTIES_PLAN_CLOSED = "duties.plan_closed"
    DUTIES_ITEM_ADDED = "duties.item_added"
    DUTIES_ITEM_CHANGED = "duties.item_changed"
    DUTIES_ITEM_RETIRED = "duties.item_retired"
    DUTIES_STEP_TOGGLED = "duties.step_toggled"
    DUTIES_ASSIGNMENT_COMPLETED = "duties.assignment_completed"
    DUTIES_ASSIGNMENT_SUBMITTED = "duties.assignment_submitted"
    DUTIES_ASSIGNMENT_APPROVED = "duties.assignment_approved"
    DUTIES_ASSIGNMENT_RETURNED = "duties.assignment_returned"
    DUTIES_ASSIGNMENT_REOPENED = "duties.assignment_reopened"
    DUTIES_ASSIGNMENT_RECORDED = "duties.assignment_completed_by_record"
    DUTIES_OVERDUE_MARKED = "duties.overdue_marked"
    DUTIES_FIGURES_REBUILT = "duties.figures_rebuilt"
    DUTIES_BOARD_EXPORTED = "duties.board_exported"
    DUTIES_ASSIGNMENTS_EXPORTED = "duties.assignments_exported"

    # The work cadence: digests, arrangements, quarterly reviews (issue #11; cadence)
    CADENCE_RUN_FINISHED = "cadence.run_finished"
    CADENCE_REVIEW_PUBLISHED = "cadence.review_published"
    CADENCE_ARRANGEMENT_PUBLISHED = "cadence.arrangement_published"
    CADENCE_EXPORTED = "cadence.exported"

    # Trainings (issue #12): the shared check-in action, then each part's own members
    TRAININGS_ATTENDANCE_RECORDED = "trainings.attendance_recorded"
    # --- trainings (programmes, enrolment, measures): between here and its end marker
    TRAININGS_PROGRAMME_CREATED = "trainings.programme_created"
    TRAININGS_PROGRAMME_UPDATED = "trainings.programme_updated"
    TRAININGS_PROGRAMME_STATUS_CHANGED = "trainings.programme_status_changed"
    TRAININGS_VENUE_CREATED = "trainings.venue_created"
    TRAININGS_SESSION_CREATED = "trainings.session_created"
    TRAININGS_SESSION_UPDATED = "trainings.session_updated"
    TRAININGS_SESSION_CANCELLED = "trainings.session_cancelled"
    TRAININGS_ENROLMENT_GENERATED = "trainings.enrolment_generated"
    TRAININGS_ENROLMENT_ADDED = "trainings.enrolment_added"
    TRAININGS_ENROLMENT_EXCUSED = "trainings.enrolment_excused"
    TRAININGS_ENROLMENT_REINSTATED = "trainings.enrolment_reinstated"
    TRAININGS_HOURS_SET = "trainings.hours_set"
    TRAININGS_EXPORTED = "trainings.exported"
    # --- end trainings
    # --- checkin (tokens, venue screen, online, make-up): between here and its end marker
    TRAININGS_MATERIAL_UPLOADED = "trainings.material_uploaded"
    # --- end checkin

    # Branch sites (issue #12)
    # --- sites: between here and its end marker
    SITES_PROJECT_CREATED = "sites.project_created"
    SITES_PROJECT_UPDATED = "sites.project_updated"
    SITES_PLAN_SET = "sites.plan_set"
    SITES_STAGE_REACHED = "sites.stage_reached"
    SITES_STAGE_CORRECTED = "sites.stage_corrected"
    SITES_CHECK_ADDED = "sites.check_added"
    SITES_CHECK_SET = "sites.check_set"
    SITES_PHOTO_ADDED = "sites.photo_added"
    SITES_VISIT_LINKED = "sites.visit_linked"
    SITES_EXPORTED = "sites.exported"
    # --- end sites

    # --- rollups (issue #13): between here and its end marker
    # --- end rollups

    # --- dashboards (issue #13): between here and its end marker
    DASHBOARDS_EXPORTED = "dashboards.exported"
    # --- end dashboards

    # --- reports (issue #13): between here and its end marker
    REPORTS_GENERATED = "reports.generated"
    REPORTS_FAILED = "reports.failed"
    REPORTS_DOWNLOADED = "reports.downloaded"
    CASES_EXPORTED = "cases.list_exported"
    CASES_MEASURES_EXPORTED = "cases.measures_exported"
    # --- end reports

    # --- messages (issue #14): between here and its end marker
    NOTIFY_TEST_SENT = "notify.test_sent"
    # --- end messages

    # --- portal (issue #13): between here and its end marker
    PORTAL_ARTICLE_CREATED = "portal.article_created"
    PORTAL_ARTICLE_UPDATED = "portal.article_updated"
    PORTAL_ARTICLE_PUBLISHED = "portal.article_published"
    PORTAL_ARTICLE_SCHEDULED = "portal.article_scheduled"
    PORTAL_ARTICLE_UNPUBLISHED = "portal.article_unpublished"
    PORTAL_IMAGE_ADDED = "portal.image_added"
    PORTAL_IMAGE_UPDATED = "portal.image_updated"
    PORTAL_IMAGE_REMOVED = "portal.image_removed"
    PORTAL_DISCLOSURE_CREATED = "portal.disclosure_created"
    PORTAL_DISCLOSURE_UPDATED = "portal.disclosure_updated"
    PORTAL_DISCLOSURE_PUBLISHED = "portal.disclosure_published"
    PORTAL_DISCLOSURE_UNPUBLISHED = "portal.disclosure_unpublished"
    # --- end portal

    # --- backup (issue #14): between here and its end marker
    CORE_BACKUP_CREATED = "core.backup_created"
    CORE_BACKUPS_ROTATED = "core.backups_rotated"
    CORE_BACKUP_RESTORED = "core.backup_restored"
    # --- end backup
    # --- accounts (issue #14): between here and its end marker
    ACCOUNTS_USER_UPDATED = "accounts.user_updated"
    ACCOUNTS_USER_DEACTIVATED = "accounts.user_deactivated"
    ACCOUNTS_USER_REACTIVATED = "accounts.user_reactivated"
    ACCOUNTS_ROLE_REVOKED = "accounts.role_revoked"
    ACCOUNTS_REPRESENTATIVE_LINKED = "accounts.representative_linked"
    ACCOUNTS_REPRESENTATIVE_UNLINKED = "accounts.representative_unlinked"
    ACCOUNTS_PASSWORD_RESET = "accounts.password_reset"  # noqa: S105 - an action name
    ACCOUNTS_PASSWORD_CHANGED = "accounts.password_changed"  # noqa: S105 - an action name
    ACCOUNTS_RESET_CODE_SENT = "accounts.reset_code_sent"
    ACCOUNTS_PASSWORD_RESET_BY_CODE = "accounts.password_reset_by_code"  # noqa: S105
    ACCOUNTS_ROSTER_ACCOUNTS_CREATED = "accounts.roster_accounts_created"
    # --- end accounts
    # --- audit (issue #14): sign-ins and the audit log's own upkeep
    ACCOUNTS_LOGGED_IN = "accounts.login_succeeded"
    ACCOUNTS_LOGIN_FAILED = "accounts.login_failed"
    ACCOUNTS_LOCKED_OUT = "accounts.user_locked_out"
    ACCOUNTS_LOGGED_OUT = "accounts.logout_succeeded"
    AUDIT_LOG_EXPORTED = "audit.log_exported"
    AUDIT_LOG_PRUNED = "audit.log_pruned"
    # --- end audit
    # --- otp (issue #14): two-factor login and the security administrator's work
    ACCOUNTS_TWO_FACTOR_ENROLLED = "accounts.two_factor_enrolled"
    ACCOUNTS_TWO_FACTOR_DISABLED = "accounts.two_factor_disabled"
    ACCOUNTS_RECOVERY_CODES_ISSUED = "accounts.recovery_codes_issued"
    ACCOUNTS_SECOND_FACTOR_PASSED = "accounts.second_factor_passed"
    ACCOUNTS_SECOND_FACTOR_FAILED = "accounts.second_factor_failed"
    ACCOUNTS_TWO_FACTOR_REQUIRED = "accounts.two_factor_required"
    ACCOUNTS_USER_UNLOCKED = "accounts.user_unlocked"
    # --- end otp

    # Case timeline: one member per CaseEvent kind (cases.workflow.audit_action maps
    # kind → member); the stored values keep their historical spelling `case.<kind>`.
    CASE_SUBMITTED = "case.submit"
    CASE_ACCEPTED = "case.accept"
    CASE_REJECTED = "case.reject"
    CASE_ASSIGNED = "case.assign"
    CASE_TRANSFERRED = "case.transfer"
    CASE_TAKEN = "case.take"
    CASE_RETURNED = "case.return"
    CASE_SUSPENSION_REQUESTED = "case.request_suspension"
    CASE_SUSPENSION_APPROVED = "case.approve_suspension"
    CASE_SUSPENSION_DENIED = "case.deny_suspension"
    CASE_RESUMED = "case.resume"
    CASE_REPLIED = "case.reply"
    CASE_CLOSED = "case.close"
    CASE_REWORKED = "case.rework"
    CASE_REOPENED = "case.reopen"
    CASE_WITHDRAWN = "case.withdraw"
    CASE_SUPERVISED = "case.supervise"
    CASE_WHISTLED = "case.whistle"
    CASE_WARNED = "case.warn"
    CASE_ESCALATED = "case.escalate"
    CASE_HANDLER_LATE = "case.handler_late"
    CASE_ACKNOWLEDGED = "case.acknowledge"
    CASE_JOINED = "case.me_too"
    CASE_RATED = "case.rate"
    CASE_MOVED_TO_TOWN = "case.to_town"
    CASE_CALLED_BACK = "case.call_back"


def record(**kwargs: Any) -> AuditEvent:
    """Build and save an audit row (same keywords as `build`)."""
    event = build(**kwargs)
    event.save(force_insert=True)
    return event


def build(
    *,
    actor: Actor,
    action: Action,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    result: str = Result.OK,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    user = acting_user(actor)
    return AuditEvent(
        at=clock.now(),
        actor=user,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        reason=reason[:300],
        data=data or {},
        source=SOURCE.get(),
        roles=roles_of(user),
        result=result,
    )


def roles_of(user: Any) -> list[str]:
    """The roles the user acts with now (their scope's, computed once per request)."""
    if user is None:
        return []
    if getattr(user, "is_superuser", False):
        return ["superuser"]
    return sorted(scope_for(user).roles)


def client_address(value: str) -> str:
    """A request's REMOTE_ADDR as stored: a valid IP address in its short form, else ""."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""
