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
        }
    ),
    Role.REPRESENTATIVE: frozenset({Cap.VIEW_GRID, Cap.LOG_VISIT, Cap.REVEAL, Cap.EXPORT}),
    Role.INSTRUCTOR: frozenset({Cap.VIEW_PARTY, Cap.LOG_GUIDANCE}),
    Role.HANDLER: frozenset({Cap.VIEW_GRID}),
    Role.INSPECTOR: frozenset({Cap.VIEW_GRID, Cap.VIEW_PARTY}),
}

# Roles whose place anchor also reaches the Party organisations of that place.
PLACE_ROLES_REACHING_ORGS = {Role.TOWN_ADMIN, Role.SECRETARY, Role.INSPECTOR}
# Roles whose organisation anchor also reaches the organisation's place.
ORG_ROLES_REACHING_PLACES = {Role.SECRETARY, Role.TOWN_ADMIN}
