"""The notices inspections sends, registered with notify (rendered at read time).

Parameters: `branch` (the branch's name), `date` (an ISO date), `total` (the score, text),
`inspection` (the inspection's id), `campaign` (a campaign's title), `until` (an ISO date).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.notify.messages import register

SUBMITTED = register(
    "inspections.submitted",
    _("Inspection of %(branch)s on %(date)s: %(total)s points. Please read and acknowledge it."),
    label=pgettext_lazy("notice kind", "Inspections of my branch"),
)
PUBLISHED = register(
    "inspections.published",
    _("%(branch)s is in public notice for %(campaign)s until %(until)s."),
    label=pgettext_lazy("notice kind", "Model-branch notices"),
)
