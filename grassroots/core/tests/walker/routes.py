"""Every route of the project, enumerated from the resolver and the OpenAPI schema, and the
table that says what kind each one is. A route missing from the table fails the walker.

Kinds (what the walker checks, for each of the seven personas):

- PUBLIC  — answers without a login (resident self-service, Open311, the public board): no 5xx.
- SYSTEM  — plumbing (health, schema, docs, language, login/logout, bench ping): no 5xx.
- PAGE    — a login-only page with no object in its path: anonymous is sent to log in; no 5xx;
            with `leaks`, no marker of an unreachable row of those models in the page.
- LIST    — an API list: every id it returns is in `Model.objects.visible_to(persona)`.
- DETAIL  — one object by id: an unreachable object answers exactly as a missing id (404).
- ACTION  — a POST on one object: same rule as DETAIL, and nothing happens.
- EXPORT  — a file of rows: every row's key is in the persona's visible rows.
- WRITE   — a POST without an object in its path (create, import): GET answers without 5xx;
            what may be written is schemathesis' part (test_schemathesis.py).
- ADMIN   — the back office (Django admin): only staff get in; a changed object out of reach
            is not shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


class Kind(StrEnum):
    PUBLIC = "public"
    SYSTEM = "system"
    PAGE = "page"
    LIST = "list"
    DETAIL = "detail"
    ACTION = "action"
    EXPORT = "export"
    WRITE = "write"
    ADMIN = "admin"
    SKIP = "skip"  # classified, not fetched (the reason is in the table)


@dataclass(frozen=True)
class Rule:
    kind: Kind
    model: str = ""  # "app_label.Model" for LIST / DETAIL / ACTION / EXPORT
    kwargs: dict[str, Any] = field(default_factory=dict)  # fixed path parameters
    obj_kwarg: str = "pk"  # the path parameter that carries the object's id
    foreign: str = ""  # a World attribute used as the unreachable object for every persona
    leaks: tuple[str, ...] = ()  # PAGE: models whose unreachable rows must not show


def _api(model: str, actions: tuple[str, ...] = (), *, basename: str) -> dict[str, Rule]:
    rules = {
        f"{basename}-list": Rule(Kind.LIST, model),
        f"{basename}-detail": Rule(Kind.DETAIL, model),
    }
    rules.update({f"{basename}-{a}": Rule(Kind.ACTION, model) for a in actions})
    return rules


CASE_ACTIONS = (
    "accept",
    "approve_suspension",
    "assign",
    "close",
    "deny_suspension",
    "return",
    "reject",
    "reopen",
    "reply",
    "request_suspension",
    "resume",
    "rework",
    "supervise",
    "take",
    "transfer",
    "whistle",
    "withdraw",
)

ROUTES: dict[str, Rule] = {
    # --- the API (router basenames; format-suffix variants share the name) ---
    **_api("cases.Case", CASE_ACTIONS, basename="case"),
    "case-intake-list": Rule(Kind.WRITE),
    "case-intake-detail": Rule(Kind.DETAIL, obj_kwarg="code", foreign="foreign_intake"),
    "api/case-intake/": Rule(Kind.WRITE),  # intake_fast, the unnamed fast path (decision 0007)
    # --- cases (issue #14): similar open cases and 报到 through the API
    "case-similar": Rule(Kind.LIST, "cases.Case"),
    "case-report_in": Rule(Kind.ACTION, "cases.Case"),
    # --- end cases
    "case-category-list": Rule(Kind.SYSTEM),  # the category catalogue: not personal, not scoped
    "case-category-detail": Rule(Kind.SYSTEM, kwargs={"pk": 1}),
    **_api("grid.Place", basename="place"),
    **_api("grid.Household", ("reveal",), basename="household"),
    **_api("grid.Resident", ("reveal",), basename="resident"),
    **_api("grid.Representative", ("reveal",), basename="representative"),
    **_api("grid.RepresentativeLink", basename="representative-link"),
    **_api("grid.Visit", basename="visit"),
    **_api("party.Organization", basename="organization"),
    **_api("party.Member", ("reveal",), basename="member"),
    **_api("party.Instructor", ("reveal",), basename="instructor"),
    **_api("party.GuidanceAssignment", ("end",), basename="guidance-assignment"),
    **_api("party.GuidanceVisit", basename="guidance-visit"),
    **_api("notify.Notice", ("read",), basename="notice"),
    "notice-read-all": Rule(Kind.WRITE),
    "notice-unread": Rule(Kind.PAGE),
    "me-list": Rule(Kind.PAGE),
    "exchange-import-list": Rule(Kind.WRITE),
    "exchange-export-detail": Rule(Kind.EXPORT),
    # POST only, with a reason in the body (the same rows as the masked export above, which
    # the walker parses); a GET must answer without a server error.
    "exchange-export-reveal": Rule(Kind.WRITE, kwargs={"pk": "households"}),
    "api-root": Rule(Kind.SYSTEM),
    "api-schema": Rule(Kind.SYSTEM),
    "api-docs": Rule(Kind.SYSTEM),
    # --- pages ---
    "home:home": Rule(Kind.PAGE, leaks=("grid.Household", "cases.Case")),
    "core:reveal": Rule(
        Kind.DETAIL, "grid.Household", kwargs={"label": "grid.household", "field": "phone"}
    ),
    "core:me": Rule(Kind.PAGE),
    # The kit's styleguide: staff only (others get 404); sample data, no records.
    "core:styleguide": Rule(Kind.PAGE),
    "accounts:login": Rule(Kind.SYSTEM),
    "accounts:logout": Rule(Kind.SYSTEM),  # GET is refused (405): logging out is a POST
    "grid:browser": Rule(Kind.PAGE),
    "grid:place": Rule(Kind.DETAIL, "grid.Place"),
    "grid:household_list": Rule(Kind.PAGE, leaks=("grid.Household",)),
    "grid:household": Rule(Kind.DETAIL, "grid.Household"),
    "grid:visit_new": Rule(Kind.DETAIL, "grid.Household"),
    "grid:mine": Rule(Kind.PAGE, leaks=("grid.Household",)),
    # The drill-down place picker: public place names (no personal data), read-only.
    "grid:picker": Rule(Kind.PUBLIC),
    "party:tree": Rule(Kind.PAGE),
    "party:org": Rule(Kind.DETAIL, "party.Organization"),
    "party:my_branches": Rule(Kind.PAGE),
    "party:guidance_new": Rule(Kind.DETAIL, "party.Organization"),
    "exchange:index": Rule(Kind.PAGE),
    "exchange:template": Rule(Kind.PAGE, kwargs={"kind": "households"}),
    "exchange:export": Rule(Kind.EXPORT),
    "exchange:tag_add": Rule(Kind.WRITE),
    "cases:inbox": Rule(Kind.PAGE, leaks=("cases.Case",)),
    "cases:intake": Rule(Kind.PAGE),
    "cases:suggest": Rule(Kind.PAGE),
    "cases:board": Rule(Kind.PAGE, leaks=("cases.Case",)),
    "cases:measures": Rule(Kind.PAGE),
    "cases:detail": Rule(Kind.DETAIL, "cases.Case"),
    # A photo of a case out of reach answers like a missing one (the view checks the case).
    "cases:photo": Rule(Kind.DETAIL, "cases.Case", kwargs={"photo_pk": 1}),
    "cases:act": Rule(Kind.ACTION, "cases.Case", kwargs={"action": "accept"}),
    "cases:me_too": Rule(Kind.ACTION, "cases.Case"),
    "cases:acknowledge": Rule(Kind.ACTION, "cases.Case", kwargs={"summons_pk": "summons"}),
    "cases:report": Rule(Kind.PUBLIC),
    "cases:filed": Rule(Kind.PUBLIC),
    "cases:track_lookup": Rule(Kind.PUBLIC),
    "cases:track": Rule(Kind.PUBLIC, kwargs={"code": "far_case_code"}),
    "cases:public_index": Rule(Kind.PUBLIC),
    "cases:public_board": Rule(Kind.PUBLIC, kwargs={"pk": "village_a"}),
    "notify:inbox": Rule(Kind.PAGE),
    "notify:badge": Rule(Kind.PAGE),
    "notify:read_all": Rule(Kind.WRITE),
    "notify:preferences": Rule(Kind.PAGE),
    # --- messages (issue #14)
    "notify:send_test": Rule(Kind.WRITE),
    # --- end messages
    "notify:read": Rule(Kind.ACTION, "notify.Notice"),
    "notify:open": Rule(Kind.DETAIL, "notify.Notice"),
    "analytics:place_figures": Rule(Kind.DETAIL, "grid.Place"),
    "bench:ping": Rule(Kind.SYSTEM),
    "open311:discovery": Rule(Kind.PUBLIC, kwargs={"fmt": "json"}),
    "open311:services": Rule(Kind.PUBLIC, kwargs={"fmt": "json"}),
    "open311:service": Rule(Kind.PUBLIC, kwargs={"fmt": "json", "code": "roads-repair"}),
    "open311:requests": Rule(Kind.PUBLIC, kwargs={"fmt": "json"}),
    "open311:request": Rule(Kind.PUBLIC, kwargs={"fmt": "json", "pk": "far_case_pk"}),
    "open311:token": Rule(Kind.PUBLIC, kwargs={"fmt": "json", "token": "nosuchtoken"}),
    "set_language": Rule(Kind.SYSTEM),
    "healthz": Rule(Kind.SYSTEM),
    # --- orglife + alliances (issue #11), and the guidance visit's page in party
    "party:guidance_visit": Rule(Kind.DETAIL, "party.GuidanceVisit"),
    **_api("orglife.Meeting", basename="meeting"),
    "orglife:list": Rule(Kind.PAGE),
    "orglife:new": Rule(Kind.PAGE),
    "orglife:export": Rule(Kind.PAGE),  # a file of the list's rows: orglife/tests check its reach
    "orglife:meeting": Rule(Kind.DETAIL, "orglife.Meeting"),
    "orglife:file": Rule(Kind.DETAIL, "orglife.Meeting"),
    "orglife:edit": Rule(Kind.DETAIL, "orglife.Meeting"),
    **_api("alliances.Alliance", basename="alliance"),
    **_api("alliances.InnovationProject", basename="innovation-project"),
    "alliances:list": Rule(Kind.PAGE),
    "alliances:alliance_new": Rule(Kind.PAGE),
    "alliances:export": Rule(Kind.PAGE),  # a file of the list's rows: alliances/tests check it
    "alliances:alliance": Rule(Kind.DETAIL, "alliances.Alliance"),
    "alliances:alliance_edit": Rule(Kind.DETAIL, "alliances.Alliance"),
    "alliances:member_add": Rule(Kind.DETAIL, "alliances.Alliance"),
    "alliances:member_remove": Rule(
        Kind.ACTION, "alliances.Alliance", kwargs={"member_pk": 987_654_321}
    ),
    "alliances:projects": Rule(Kind.PAGE),
    "alliances:project_new": Rule(Kind.PAGE),
    "alliances:project_export": Rule(Kind.PAGE),
    "alliances:project": Rule(Kind.DETAIL, "alliances.InnovationProject"),
    "alliances:project_edit": Rule(Kind.DETAIL, "alliances.InnovationProject"),
    "alliances:milestone_add": Rule(Kind.ACTION, "alliances.InnovationProject"),
    "alliances:milestone_tick": Rule(Kind.ACTION, "alliances.Milestone"),
    # --- end orglife + alliances
    # --- inspections (issue #11) ---
    **_api("inspections.IndicatorSet", ("activate", "revise"), basename="indicator-set"),
    **_api("inspections.InspectionPlan", ("draw",), basename="inspection-plan"),
    **_api("inspections.Inspection", ("submit", "acknowledge", "rectify"), basename="inspection"),
    **_api("inspections.Campaign", basename="campaign"),
    **_api(
        "inspections.Application",
        ("review", "publish", "object", "decide"),
        basename="campaign-application",
    ),
    **_api("inspections.StarRating", basename="star-rating"),
    "inspections:index": Rule(Kind.PAGE),
    "inspections:export": Rule(Kind.PAGE),
    "inspections:new": Rule(Kind.WRITE),
    "inspections:detail": Rule(Kind.DETAIL, "inspections.Inspection"),
    "inspections:score": Rule(Kind.DETAIL, "inspections.Inspection"),
    "inspections:acknowledge": Rule(Kind.ACTION, "inspections.Inspection"),
    "inspections:rectify": Rule(Kind.ACTION, "inspections.Inspection"),
    "inspections:sets": Rule(Kind.PAGE),
    "inspections:set_act": Rule(
        Kind.ACTION, "inspections.IndicatorSet", kwargs={"action": "revise"}
    ),
    "inspections:plan_new": Rule(Kind.WRITE),
    "inspections:set_new": Rule(Kind.WRITE),
    "inspections:campaign_new": Rule(Kind.WRITE),
    "inspections:plans": Rule(Kind.PAGE),
    "inspections:draw": Rule(Kind.ACTION, "inspections.InspectionPlan"),
    "inspections:campaigns": Rule(Kind.PAGE),
    "inspections:campaigns_export": Rule(Kind.PAGE),
    "inspections:campaign": Rule(Kind.DETAIL, "inspections.Campaign"),
    "inspections:apply": Rule(Kind.DETAIL, "inspections.Campaign"),
    "inspections:application": Rule(Kind.DETAIL, "inspections.Application"),
    "inspections:application_act": Rule(
        Kind.ACTION, "inspections.Application", kwargs={"action": "review"}
    ),
    # The public notice (公示) of model-branch applications: names and scores, nothing personal.
    "inspections:public_notices": Rule(Kind.PUBLIC),
    # --- end inspections
    # --- rectify (issue #11): the ledger, its export and print view, items, extensions
    **_api(
        "rectify.Item",
        (
            "hand_over",
            "start_rectifying",
            "request_signoff",
            "start_review",
            "sign_off",
            "return_for_rework",
            "rework",
            "request_extension",
            "decide_extension",
        ),
        basename="rectification",
    ),
    "rectify:ledger": Rule(Kind.PAGE, leaks=("rectify.Item",)),
    "rectify:export": Rule(Kind.PAGE),  # a spreadsheet; rectify/tests/test_pages.py checks its rows
    "rectify:print": Rule(Kind.PAGE, leaks=("rectify.Item",)),
    "rectify:new": Rule(Kind.PAGE),
    "rectify:item": Rule(Kind.DETAIL, "rectify.Item"),
    "rectify:act": Rule(Kind.ACTION, "rectify.Item", kwargs={"action": "hand_over"}),
    "rectify:extension": Rule(Kind.ACTION, "rectify.Item"),
    "rectify:decide": Rule(Kind.ACTION, "rectify.Extension"),
    "rectify:evidence": Rule(Kind.DETAIL, "rectify.ItemEvent"),
    # --- end rectify
    # --- duties (issue #11): plans, items, assignments, the board's figures ---
    **_api("duties.Plan", ("publish", "close"), basename="duty-plan"),
    **_api("duties.Item", ("retire",), basename="duty-item"),
    **_api(
        "duties.Assignment",
        ("complete", "review", "toggle-step", "reopen"),
        basename="duty-assignment",
    ),
    **_api("duties.BranchFigure", basename="duty-figure"),
    "duties:week": Rule(Kind.PAGE),
    "duties:assignment": Rule(Kind.DETAIL, "duties.Assignment"),
    "duties:complete": Rule(Kind.ACTION, "duties.Assignment"),
    "duties:undo": Rule(Kind.ACTION, "duties.Assignment"),
    "duties:step": Rule(Kind.ACTION, "duties.Assignment"),
    "duties:review": Rule(Kind.ACTION, "duties.Assignment"),
    "duties:file": Rule(Kind.DETAIL, "duties.Assignment"),
    "duties:board": Rule(Kind.PAGE),
    # The board as .xlsx: prepared figures of the branches reached (duties tests check rows).
    "duties:board_export": Rule(Kind.PAGE),
    "duties:branch": Rule(Kind.DETAIL, "party.Organization"),
    "duties:branch_export": Rule(Kind.DETAIL, "party.Organization"),
    "duties:plans": Rule(Kind.PAGE),
    "duties:plan_new": Rule(Kind.WRITE),
    "duties:plan": Rule(Kind.DETAIL, "duties.Plan"),
    "duties:plan_publish": Rule(Kind.ACTION, "duties.Plan"),
    "duties:plan_close": Rule(Kind.ACTION, "duties.Plan"),
    "duties:item_new": Rule(Kind.DETAIL, "duties.Plan"),
    "duties:item_change": Rule(Kind.DETAIL, "duties.Item"),
    "duties:item_retire": Rule(Kind.ACTION, "duties.Item"),
    # --- end duties
    # --- cadence (issue #11): arrangements by id; quarterly reviews by period (a page showing
    # only the caller's rows, 404 when there are none); the instructors' page.
    **_api("cadence.Arrangement", basename="cadence-arrangement"),
    **_api("cadence.QuarterScore", basename="cadence-score"),
    "cadence:arrangements": Rule(Kind.PAGE),
    "cadence:arrangement": Rule(Kind.DETAIL, "cadence.Arrangement"),
    "cadence:arrangement_xlsx": Rule(Kind.DETAIL, "cadence.Arrangement"),
    "cadence:arrangement_pdf": Rule(Kind.DETAIL, "cadence.Arrangement"),
    "cadence:reviews": Rule(Kind.PAGE),
    "cadence:review": Rule(Kind.PAGE, kwargs={"period": "2026-Q3"}),
    "cadence:review_xlsx": Rule(Kind.PAGE, kwargs={"period": "2026-Q3"}),
    "cadence:review_pdf": Rule(Kind.PAGE, kwargs={"period": "2026-Q3"}),
    "cadence:instructors": Rule(Kind.PAGE),
    "cadence:instructors_xlsx": Rule(Kind.PAGE),  # its rows: cadence/tests check their reach
    # --- end cadence
    # --- trainings (issue #12): programmes, sessions, enrolment, measures
    **_api(
        "trainings.Programme",
        ("open", "close", "lay-out", "enrol"),
        basename="training-programme",
    ),
    "training-programme-measures": Rule(Kind.DETAIL, "trainings.Programme"),
    **_api("trainings.Venue", basename="training-venue"),
    **_api("trainings.Session", ("cancel",), basename="training-session"),
    **_api("trainings.Enrolment", ("excuse", "reinstate"), basename="training-enrolment"),
    **_api("trainings.Attendance", basename="training-attendance"),
    "trainings:list": Rule(Kind.PAGE),  # scoped list: trainings/tests/test_prog_pages.py
    "trainings:list_export": Rule(Kind.PAGE),  # rows: trainings/tests/test_prog_pages.py
    "trainings:programme_new": Rule(Kind.WRITE),
    "trainings:mine": Rule(Kind.PAGE),
    "trainings:hours": Rule(Kind.PAGE),
    "trainings:hours_export": Rule(Kind.PAGE),  # rows: trainings/tests/test_prog_pages.py
    "trainings:hours_requirement": Rule(Kind.WRITE),
    "trainings:programme": Rule(Kind.DETAIL, "trainings.Programme"),
    "trainings:programme_edit": Rule(Kind.DETAIL, "trainings.Programme"),
    "trainings:programme_act": Rule(Kind.ACTION, "trainings.Programme", kwargs={"action": "open"}),
    "trainings:session_new": Rule(Kind.DETAIL, "trainings.Programme"),
    "trainings:enrolments": Rule(Kind.DETAIL, "trainings.Programme"),
    "trainings:enrolments_export": Rule(Kind.DETAIL, "trainings.Programme"),
    "trainings:enrolment_act": Rule(
        Kind.ACTION, "trainings.Enrolment", kwargs={"action": "excuse"}
    ),
    "trainings:session": Rule(Kind.DETAIL, "trainings.Session"),
    "trainings:session_export": Rule(Kind.DETAIL, "trainings.Session"),
    "trainings:session_cancel": Rule(Kind.ACTION, "trainings.Session"),
    "trainings:makeup": Rule(Kind.DETAIL, "trainings.Session"),
    "trainings:home_lesson": Rule(Kind.DETAIL, "trainings.Session"),
    # --- end trainings
    # --- checkin (issue #12): the venue screen, the phone check-in, online study, make-up
    # The check-in API: POSTs without an object in the path (the token, the ids in the body
    # are checked by the services: trainings/tests/test_checkin_api.py).
    "training-checkin-list": Rule(Kind.WRITE),
    # checkin_fast_view, the unnamed fast path in front of it (decision 0011)
    "api/training-checkins/": Rule(Kind.WRITE),
    "training-checkin-hand": Rule(Kind.WRITE),
    "training-checkin-beat": Rule(Kind.WRITE),
    "training-checkin-material": Rule(Kind.WRITE),
    # The QR link: its token is the key, not the path's ids; a forged one is refused (4xx).
    "trainings:checkin": Rule(
        Kind.PAGE, kwargs={"session": 987_654_321, "venue": 987_654_321, "token": "forged"}
    ),
    # Venue staff's pages: the session by id, the venue fixed (a venue the session does
    # not hold answers 404 too; trainings/tests/test_checkin_pages.py opens real ones).
    "trainings:venue_screen": Rule(Kind.DETAIL, "trainings.Session", kwargs={"venue": 1}),
    "trainings:venue_screen_live": Rule(Kind.DETAIL, "trainings.Session", kwargs={"venue": 1}),
    "trainings:hand": Rule(Kind.DETAIL, "trainings.Session", kwargs={"venue": 1}),
    # Online study: only the enrolled person; anyone else gets 404, as for a missing id.
    "trainings:study": Rule(Kind.DETAIL, "trainings.Session"),
    "trainings:study_beat": Rule(Kind.ACTION, "trainings.Session"),
    "trainings:video": Rule(Kind.DETAIL, "trainings.Session"),
    # --- end checkin
    # --- sites (issue #12)
    **_api(
        "sites.Project",
        ("reach", "correct", "plan", "checks", "photos", "visits"),
        basename="site-project",
    ),
    "site-project-stage-counts": Rule(Kind.PAGE),  # counts over the caller's projects
    **_api("sites.CheckItem", ("tick",), basename="site-check"),
    **_api("sites.Photo", basename="site-photo"),
    "sites:board": Rule(Kind.PAGE),  # its rows: sites/tests/test_pages_api.py checks their reach
    "sites:export": Rule(Kind.PAGE),  # a spreadsheet; sites/tests/test_pages.py checks its rows
    "sites:new": Rule(Kind.PAGE),
    "sites:project": Rule(Kind.DETAIL, "sites.Project"),
    "sites:edit": Rule(Kind.DETAIL, "sites.Project"),
    "sites:reach": Rule(Kind.ACTION, "sites.Project"),
    "sites:check_add": Rule(Kind.ACTION, "sites.Project"),
    "sites:photo_add": Rule(Kind.ACTION, "sites.Project"),
    "sites:visit": Rule(Kind.ACTION, "sites.Project"),
    "sites:check": Rule(Kind.ACTION, "sites.CheckItem"),
    "sites:photo": Rule(Kind.DETAIL, "sites.Photo"),
    # --- end sites
    # --- rollups (issue #13)
    "public-figures": Rule(Kind.PUBLIC),  # totals only: analytics/tests/test_api.py
    "figures-place": Rule(Kind.DETAIL, "grid.Place"),
    "figures-org": Rule(Kind.DETAIL, "party.Organization"),
    # --- end rollups
    # --- dashboards (issue #13)
    "dashboards:cockpit": Rule(Kind.PAGE),
    "dashboards:place": Rule(Kind.DETAIL, "grid.Place"),
    "dashboards:org": Rule(Kind.DETAIL, "party.Organization"),
    # A spreadsheet of one node's chart; dashboards/tests/test_pages.py checks its rows.
    "dashboards:place_export": Rule(Kind.DETAIL, "grid.Place", kwargs={"chart": "places"}),
    "dashboards:org_export": Rule(Kind.DETAIL, "party.Organization", kwargs={"chart": "orgs"}),
    # --- end dashboards
    # --- reports (issue #13)
    "reports:list": Rule(Kind.PAGE),  # its rows: reports/tests/test_pages.py checks their reach
    "reports:new": Rule(Kind.PAGE),
    "reports:detail": Rule(Kind.DETAIL, "reports.Report"),
    "reports:xlsx": Rule(Kind.DETAIL, "reports.Report"),
    "reports:pdf": Rule(Kind.DETAIL, "reports.Report"),
    "cases:export": Rule(Kind.PAGE),  # a spreadsheet; reports/tests/test_case_exports.py checks it
    "cases:measures_export": Rule(Kind.PAGE),  # the measures page's figures as a spreadsheet
    # --- end reports
    # --- portal (issue #13)
    "portal:home": Rule(Kind.PUBLIC),
    "portal:topic": Rule(Kind.PUBLIC, kwargs={"slug": "news"}),
    "portal:article": Rule(Kind.PUBLIC, kwargs={"pk": 1}),  # 404 unless live: no 5xx
    "portal:image": Rule(Kind.PUBLIC, kwargs={"pk": 1}),
    "portal:figures": Rule(Kind.PUBLIC),
    "portal:disclosure": Rule(Kind.PUBLIC),
    "portal:notices": Rule(Kind.PUBLIC),
    "portal:hit": Rule(Kind.SKIP),  # a POST beacon (counts a visit); portal/tests/test_counter.py
    "portal:manage": Rule(Kind.PAGE),
    "portal:manage_new": Rule(Kind.PAGE),
    "portal:manage_article": Rule(Kind.DETAIL, "portal.Article"),
    "portal:manage_publish": Rule(Kind.ACTION, "portal.Article"),
    "portal:manage_unpublish": Rule(Kind.ACTION, "portal.Article"),
    "portal:manage_image_add": Rule(Kind.ACTION, "portal.Article"),
    "portal:manage_image": Rule(Kind.DETAIL, "portal.ArticleImage"),
    "portal:manage_disclosures": Rule(Kind.PAGE),
    "portal:manage_disclosure_new": Rule(Kind.PAGE),
    "portal:manage_disclosure": Rule(Kind.DETAIL, "portal.Disclosure"),
    "portal:manage_disclosure_publish": Rule(Kind.ACTION, "portal.Disclosure"),
    # --- end portal
    # --- accounts (issue #14)
    "accounts:password_change": Rule(Kind.PAGE),
    "accounts:password_forgot": Rule(Kind.PUBLIC),
    "accounts:password_code": Rule(Kind.PUBLIC),
    "accounts:manage": Rule(Kind.PAGE),
    "accounts:manage_new": Rule(Kind.PAGE),
    "accounts:manage_roster": Rule(Kind.PAGE),
    "accounts:manage_account": Rule(Kind.DETAIL, "accounts.Account"),
    "accounts:manage_grant": Rule(Kind.ACTION, "accounts.Account"),
    "accounts:manage_revoke": Rule(Kind.ACTION, "accounts.Account"),
    "accounts:manage_active": Rule(Kind.ACTION, "accounts.Account"),
    "accounts:manage_password": Rule(Kind.ACTION, "accounts.Account"),
    "accounts:manage_representative": Rule(Kind.ACTION, "accounts.Account"),
    # --- end accounts
    # --- otp (issue #14): the login's second step, everyone's own two-factor page, and the
    # security administrator's actions on an account
    "accounts:login_code": Rule(Kind.SYSTEM),
    "accounts:two_factor": Rule(Kind.PAGE),
    "accounts:two_factor_disable": Rule(Kind.WRITE),
    "accounts:recovery_codes": Rule(Kind.WRITE),
    "accounts:manage_unlock": Rule(Kind.ACTION, "accounts.Account"),
    "accounts:manage_two_factor": Rule(Kind.ACTION, "accounts.Account"),
    # --- end otp
    # --- audit (issue #14): the audit administrator's page and its export (no persona of the
    # walker holds Cap.READ_AUDIT_LOG: 404 for all; core/tests/test_audit_page.py reads them)
    "core:audit_log": Rule(Kind.PAGE),
    "core:audit_log_export": Rule(Kind.PAGE),
    # --- end audit
}

# The back office: routes Django's admin makes for every registered model, by suffix.
ADMIN_SUFFIXES: dict[str, Kind | None] = {
    "changelist": Kind.ADMIN,
    "change": Kind.ADMIN,
    "index": Kind.ADMIN,
    "app_list": Kind.ADMIN,
    # Add, delete, history, autocomplete, password, login/logout, jsi18n, view_on_site:
    # forms around the objects already walked (change) or Django's own; not walked.
    "add": None,
    "delete": None,
    "history": None,
    "autocomplete": None,
    "password_change": None,
    "password_change_done": None,
    "login": None,
    "logout": None,
    "jsi18n": None,
    "view_on_site": None,
}


@dataclass(frozen=True)
class Route:
    key: str  # the route's name (namespace:name), or its pattern when it has none
    pattern: str
    converters: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ns + (f"{p.namespace}:" if p.namespace else "")
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            text = prefix + str(p.pattern)
            converters = (
                tuple(sorted(p.pattern.converters)) if hasattr(p.pattern, "converters") else ()
            )
            yield Route(f"{ns}{p.name}" if p.name else text, text, converters)


def all_routes() -> list[Route]:
    """Every URL pattern of the project, once per name (format-suffix variants merged)."""
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault(route.key, route)
    return list(seen.values())


def admin_kind(key: str) -> tuple[bool, Kind | None]:
    """(known, kind) of a back-office route, from the suffix of its name."""
    name = key.removeprefix("admin:")
    for suffix, kind in sorted(ADMIN_SUFFIXES.items(), key=lambda item: -len(item[0])):
        if name == suffix or name.endswith(f"_{suffix}"):
            return True, kind
    return False, None


# Django admin's unnamed patterns: the old object URL redirecting to its change page
# (walked as `_change`) and the final catch-all that sends everything else to the index.
ADMIN_UNNAMED = (
    re.compile(r"^admin/\w+/\w+/<path:object_id>/$"),
    re.compile(r"^admin/\(\?P<url>\.\*\)\$$"),
)


def classify(key: str) -> Rule | None:
    if key.startswith("admin/"):
        return Rule(Kind.SKIP) if any(p.match(key) for p in ADMIN_UNNAMED) else None
    if key.startswith("admin:"):
        known, kind = admin_kind(key)
        return Rule(kind or Kind.SKIP) if known else None
    return ROUTES.get(key)
