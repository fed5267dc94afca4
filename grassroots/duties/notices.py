"""The notices duties sends, registered with notify (rendered at read time).

Parameters: `title` (the duty item's title) and `reason` (the reviewer's words).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.notify.messages import register

RETURNED = register(
    "duties.returned",
    _("Duty returned: %(title)s"),
    _("Reason: %(reason)s"),
    label=pgettext_lazy("notice kind", "Duties returned to me"),
)
