"""The notices notify sends itself (registered like every app's, notify.messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grassroots.notify.messages import register

# What "Send a test message" on the preferences page sends (never stored as a notice).
TEST = register("notify.test", _("Test message from Grassroots: this channel works"))
