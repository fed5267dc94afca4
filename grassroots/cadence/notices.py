"""The notices cadence sends, registered with notify (rendered when read).

Parameters: `period` (a week "2026-W48", a month "2026-11" or a quarter "2026-Q3"),
counts (`due`, `overdue`, `items`, `branches`, `visits`, `issues`, `closed`, `days`),
`branch` (a branch's name) and `since` (an ISO date).
Every notice is sent with a key (`cadence:<job>:…`), so a resumed run sends nothing twice.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.notify.messages import register

DIGEST = register(
    "cadence.digest",
    _("This week (%(period)s): %(due)d duty items due, %(overdue)d overdue"),
    label=pgettext_lazy("notice kind", "Weekly duty digest"),
)
ARRANGEMENT = register(
    "cadence.arrangement",
    _("%(branch)s: the work arrangement for %(period)s is out, %(items)d items"),
    label=pgettext_lazy("notice kind", "Monthly work arrangements"),
)
REVIEW = register(
    "cadence.review",
    _("Quarterly review %(period)s published: %(branches)d branches ranked"),
    label=pgettext_lazy("notice kind", "Quarterly reviews"),
)
LAPSE = register(
    "cadence.lapse",
    _("%(branch)s has had no guidance visit for %(days)d days (since %(since)s)"),
    label=pgettext_lazy("notice kind", "Branches not visited for 30 days"),
)
SUMMARY = register(
    "cadence.summary",
    _(
        "Your guidance in %(period)s: %(visits)d visits, %(issues)d issues found, "
        "%(closed)d items closed"
    ),
    label=pgettext_lazy("notice kind", "Instructors' monthly summary"),
)
