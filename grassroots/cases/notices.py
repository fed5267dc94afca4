"""The notices cases sends, registered with notify (rendered at read time, notify.messages).

Parameters: `code` (the case's tracking code) everywhere; `title` (the case's
title, the resident's words) for a new case; `due` (an ISO date-time, shown in
the town's time zone) for the warning; `level` (a number) for an escalation;
`handler` (a person's or a unit's name) for a late handler.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.notify.messages import register, register_personal

SUBMITTED = register(
    "case.submitted",
    _("New case %(code)s: %(title)s"),
    label=pgettext_lazy("notice kind", "New cases to dispatch"),
)
ASSIGNED = register(
    "case.assigned",
    _("Case %(code)s assigned to you"),
    label=pgettext_lazy("notice kind", "Cases assigned to me"),
)
TO_TOWN = register(
    "case.to_town",
    _("Case %(code)s needs the town to designate a handler"),
    label=pgettext_lazy("notice kind", "Cases sent up to the town"),
)
SUSPENSION_REQUESTED = register(
    "case.suspension_requested",
    _("Case %(code)s: suspension requested"),
    label=pgettext_lazy("notice kind", "Requests to suspend a case"),
)
REPLIED = register(
    "case.replied",
    _("Case %(code)s answered: please call back"),
    label=pgettext_lazy("notice kind", "Answered cases to call back"),
)
REWORK = register(
    "case.rework",
    _("Case %(code)s: resident not satisfied, rework"),
    label=pgettext_lazy("notice kind", "Cases sent back for rework"),
)
REOPENED = register(
    "case.reopened",
    _("Case %(code)s reopened"),
    label=pgettext_lazy("notice kind", "Reopened cases"),
)
REOPENED_DESIGNATE = register(
    "case.reopened.designate",
    _("Case %(code)s reopened: designate a handler"),
    kind="case.reopened",
)
SUPERVISED = register(
    "case.supervised",
    _("Case %(code)s is under supervision"),
    label=pgettext_lazy("notice kind", "Cases put under supervision"),
)
WHISTLE = register(
    "case.whistle",
    _("Whistle on case %(code)s: report in now"),
    label=pgettext_lazy("notice kind", "Whistles"),
)
WARNING = register(
    "case.warning",
    _("Case %(code)s is due on %(due)s"),
    times=("due",),
    label=pgettext_lazy("notice kind", "Deadline warnings"),
)
OVERDUE = register(
    "case.overdue",
    _("Case %(code)s is overdue and supervised, level %(level)d"),
    label=pgettext_lazy("notice kind", "Overdue cases"),
)
HANDLER_LATE = register(
    "case.handler_late",
    _("Case %(code)s: %(handler)s has neither taken nor returned it within one working day"),
    label=pgettext_lazy("notice kind", "Cases a handler has not taken in time"),
)


# --- messages (issue #14): what a group chat must not read of a case
def _personal(case: Any) -> list[str]:
    """The reporter's and the resident's names (numbers are masked by notify itself)."""
    names = [case.reporter_name]
    if case.resident_id:
        names.append(case.resident.name)
    if case.household_id:
        names.append(case.household.head_name)
    return names


register_personal("cases.case", _personal)
# --- end messages
