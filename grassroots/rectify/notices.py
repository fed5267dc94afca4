"""The notices rectify sends, registered with notify (rendered at read time).

Parameters: `code` (the item's ledger number) everywhere; `due` (an ISO date, the
deadline) for the warnings and extensions; `unit` (the responsible unit's name) for
the sign-off and extension requests, which go to the reviewers who reach the unit.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.notify.messages import register

ASSIGNED = register(
    "rectify.assigned",
    _("Rectification item %(code)s handed to you, due %(due)s"),
    label=pgettext_lazy("notice kind", "Rectification items handed to me"),
)
SIGNOFF_REQUESTED = register(
    "rectify.signoff_requested",
    _("%(unit)s requests sign-off of rectification item %(code)s"),
    label=pgettext_lazy("notice kind", "Rectification sign-off requests"),
)
RETURNED = register(
    "rectify.returned",
    _("Rectification item %(code)s was returned for rework"),
    label=pgettext_lazy("notice kind", "Rectification items returned"),
)
CLOSED = register(
    "rectify.closed",
    _("Rectification item %(code)s is signed off"),
    label=pgettext_lazy("notice kind", "Rectification items signed off"),
)
EXTENSION_REQUESTED = register(
    "rectify.extension_requested",
    _("%(unit)s asks to extend rectification item %(code)s to %(due)s"),
    label=pgettext_lazy("notice kind", "Rectification extension requests"),
)
EXTENSION_DECIDED = register(
    "rectify.extension_decided",
    _("Extension of rectification item %(code)s decided: the deadline is %(due)s"),
    label=pgettext_lazy("notice kind", "Rectification extension decisions"),
)
GREEN = register(
    "rectify.warning.green",
    _("Green warning: rectification item %(code)s is due on %(due)s"),
    kind="rectify.warning",
    label=pgettext_lazy("notice kind", "Rectification deadline warnings"),
)
YELLOW = register(
    "rectify.warning.yellow",
    _("Yellow warning: rectification item %(code)s is due on %(due)s, within ten days"),
    kind="rectify.warning",
)
RED = register(
    "rectify.warning.red",
    _("Red warning: rectification item %(code)s is overdue since %(due)s"),
    kind="rectify.warning",
)
WARNINGS = {"green": GREEN, "yellow": YELLOW, "red": RED}
