"""Roles (DOMAIN.md §3) and what each may do inside its scope.

Capabilities are data: a role grants a set of them; services and views ask
`scope.can("...")`. Reach (which records) is computed in accounts/scope.py. Roles live
in core so that every app, core included, can read them without importing accounts.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TOWN_ADMIN = "town_admin", _("town administrator")
    ORG_OFFICER = "org_officer", _("organisation officer")
    SECRETARY = "secretary", _("village secretary")
    REPRESENTATIVE = "representative", _("representative")
    INSTRUCTOR = "instructor", _("Party-building instructor")
    HANDLER = "handler", _("case handler")
    INSPECTOR = "inspector", _("inspector")
    # --- audit (issue #14): separation of duties, the audit administrator (审计管理员)
    AUDIT_ADMIN = "audit_admin", _("audit administrator")
    # --- end audit
    # --- otp (issue #14): separation of duties, the system and security administrators
    SYSTEM_ADMIN = "system_admin", _("system administrator")
    SECURITY_ADMIN = "security_admin", _("security administrator")
    # --- end otp


class Cap:
    VIEW_GRID = "view_grid"
    EDIT_GRID = "edit_grid"
    VIEW_PARTY = "view_party"
    EDIT_PARTY = "edit_party"
    LOG_VISIT = "log_visit"
    LOG_GUIDANCE = "log_guidance"
    REVEAL = "reveal_personal"
    IMPORT = "import"
    EXPORT = "export"
    VIEW_AUDIT = "view_audit"
    # Party-building work (issue #11)
    MANAGE_DUTIES = "manage_duties"  # plans and items, the board, quarterly reviews
    DO_DUTIES = "do_duties"  # a secretary's own checklist and rectification work
    REVIEW_DUTIES = "review_duties"  # confirm or return what a branch submitted
    RECORD_MEETING = "record_meeting"  # organisational-life records of a branch
    INSPECT = "inspect"  # indicator sets, unannounced inspections, campaign reviews
    MANAGE_RECTIFICATION = "manage_rectification"  # register and hand out rectification items
    REVIEW_RECTIFICATION = "review_rectification"  # approve closing and extensions
    # Trainings and branch sites (issue #12)
    MANAGE_TRAINING = "manage_training"  # programmes, sessions, venues, enrolment, hours
    CHECK_IN = "check_in"  # venue staff: the venue screen, check-in by hand, make-up, 送学上门
    MANAGE_SITES = "manage_sites"  # a branch's site project: stages, photos, checklist
    ACCEPT_SITES = "accept_sites"  # sign off a site's acceptance (验收) and put it into use
    # Dashboards, reports and the portal (issue #13)
    VIEW_DASHBOARDS = "view_dashboards"  # the cockpit and a node's dashboard, over the reach
    MAKE_REPORTS = "make_reports"  # generate the monthly and quarterly reports
    PUBLISH = "publish"  # write, publish and unpublish portal articles of the town
    DISCLOSE = "disclose"  # a branch's Party-affairs disclosure (党务公开) items
    # --- accounts (issue #14)
    MANAGE_ACCOUNTS = "manage_accounts"  # a town's accounts: create, edit, roles, passwords
    # --- end accounts
    # --- audit (issue #14)
    READ_AUDIT_LOG = "read_audit_log"  # the whole audit log: /audit/, its export, verify
    # --- end audit
    # --- otp (issue #14): the installation's accounts, split between two administrators
    EDIT_ACCOUNTS = "edit_accounts"  # create, edit, deactivate accounts, temporary passwords
    GRANT_ROLES = "grant_roles"  # grant and revoke roles
    SECURE_ACCOUNTS = "secure_accounts"  # unlock a locked-out account, require two-factor login
    # --- end otp


CAPABILITIES: dict[str, frozenset[str]] = {
    Role.TOWN_ADMIN: frozenset(
        {
            Cap.VIEW_GRID,
            Cap.EDIT_GRID,
            Cap.VIEW_PARTY,
            Cap.EDIT_PARTY,
            Cap.REVEAL,
            Cap.IMPORT,
            Cap.EXPORT,
            Cap.VIEW_AUDIT,
            Cap.LOG_GUIDANCE,
            Cap.MANAGE_DUTIES,
            Cap.REVIEW_DUTIES,
            Cap.RECORD_MEETING,
            Cap.MANAGE_RECTIFICATION,
            Cap.MANAGE_TRAINING,
            Cap.CHECK_IN,
            Cap.MANAGE_SITES,
            Cap.ACCEPT_SITES,
            Cap.VIEW_DASHBOARDS,
            Cap.MAKE_REPORTS,
            Cap.PUBLISH,
            Cap.DISCLOSE,
        }
    ),
    Role.ORG_OFFICER: frozenset(
        {
            Cap.VIEW_PARTY,
            Cap.EDIT_PARTY,
            Cap.REVEAL,
            Cap.IMPORT,
            Cap.EXPORT,
            Cap.VIEW_AUDIT,
            Cap.LOG_GUIDANCE,
            Cap.MANAGE_DUTIES,
            Cap.REVIEW_DUTIES,
            Cap.RECORD_MEETING,
            Cap.INSPECT,
            Cap.MANAGE_RECTIFICATION,
            Cap.REVIEW_RECTIFICATION,
            Cap.MANAGE_TRAINING,
            Cap.CHECK_IN,
            Cap.MANAGE_SITES,
            Cap.ACCEPT_SITES,
            Cap.VIEW_DASHBOARDS,
            Cap.MAKE_REPORTS,
            Cap.PUBLISH,
            Cap.DISCLOSE,
        }
    ),
    Role.SECRETARY: frozenset(
        {
            Cap.VIEW_GRID,
            Cap.EDIT_GRID,
            Cap.VIEW_PARTY,
            Cap.EDIT_PARTY,
            Cap.REVEAL,
            Cap.IMPORT,
            Cap.EXPORT,
            Cap.DO_DUTIES,
            Cap.RECORD_MEETING,
            Cap.CHECK_IN,
            Cap.MANAGE_SITES,
            Cap.VIEW_DASHBOARDS,
            Cap.DISCLOSE,
        }
    ),
    Role.REPRESENTATIVE: frozenset({Cap.VIEW_GRID, Cap.LOG_VISIT, Cap.REVEAL, Cap.EXPORT}),
    Role.INSTRUCTOR: frozenset(
        {Cap.VIEW_PARTY, Cap.LOG_GUIDANCE, Cap.REVIEW_DUTIES, Cap.CHECK_IN, Cap.VIEW_DASHBOARDS}
    ),
    Role.HANDLER: frozenset({Cap.VIEW_GRID}),
    Role.INSPECTOR: frozenset(
        {
            Cap.VIEW_GRID,
            Cap.VIEW_PARTY,
            Cap.INSPECT,
            Cap.MANAGE_RECTIFICATION,
            Cap.REVIEW_RECTIFICATION,
            Cap.VIEW_DASHBOARDS,
        }
    ),
    # --- audit (issue #14): reads and exports the audit log and nothing else
    Role.AUDIT_ADMIN: frozenset({Cap.READ_AUDIT_LOG}),
    # --- end audit
}

# --- audit (issue #14)
# Roles whose anchor reaches no records: it names the town whose log they read.
ROLES_WITHOUT_REACH = frozenset({Role.AUDIT_ADMIN})
# --- end audit
# --- otp (issue #14): installation administrators (等保 三员), appointed by a superuser only
CAPABILITIES[Role.SYSTEM_ADMIN] = frozenset({Cap.EDIT_ACCOUNTS})
CAPABILITIES[Role.SECURITY_ADMIN] = frozenset({Cap.GRANT_ROLES, Cap.SECURE_ACCOUNTS})
INSTALLATION_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
ROLES_WITHOUT_REACH = ROLES_WITHOUT_REACH | INSTALLATION_ROLES
# The capabilities that act on every account of the installation (superusers aside).
INSTALLATION_CAPS = frozenset({Cap.EDIT_ACCOUNTS, Cap.GRANT_ROLES, Cap.SECURE_ACCOUNTS})
# --- end otp

# Roles whose place anchor also reaches the Party organisations of that place.
PLACE_ROLES_REACHING_ORGS = {Role.TOWN_ADMIN, Role.SECRETARY, Role.INSPECTOR}
# Roles whose organisation anchor also reaches the organisation's place.
ORG_ROLES_REACHING_PLACES = {Role.SECRETARY, Role.TOWN_ADMIN}

# --- accounts (issue #14)
CAPABILITIES[Role.TOWN_ADMIN] = CAPABILITIES[Role.TOWN_ADMIN] | {Cap.MANAGE_ACCOUNTS}

# How far each role reaches, for "no one grants a role above their own" (accounts services).
ROLE_RANK: dict[str, int] = {
    Role.TOWN_ADMIN: 3,
    Role.ORG_OFFICER: 3,
    Role.INSPECTOR: 3,
    Role.SECRETARY: 2,
    Role.HANDLER: 1,
    Role.INSTRUCTOR: 1,
    Role.REPRESENTATIVE: 1,
    # Separation of duties: only the system (a superuser) appoints the audit administrator,
    # never a town role it audits.
    Role.AUDIT_ADMIN: 100,
}
# --- end accounts
# --- otp (issue #14): only a superuser appoints an installation administrator; the security
# administrator grants the town roles (rank 3) and no installation role.
ROLE_RANK[Role.SYSTEM_ADMIN] = 100
ROLE_RANK[Role.SECURITY_ADMIN] = 100
GRANT_RANK: dict[str, int] = {
    Role.SYSTEM_ADMIN: 0,
    Role.SECURITY_ADMIN: 3,
    Role.AUDIT_ADMIN: 0,
}
# Who must sign in with a second factor when GRASSROOTS_ADMIN_2FA is `required`.
ADMIN_ROLES = INSTALLATION_ROLES | {Role.TOWN_ADMIN}
# --- end otp
