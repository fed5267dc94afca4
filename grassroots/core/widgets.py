"""Form widgets shared by the filter forms."""

from __future__ import annotations

from typing import Any

from django.forms.widgets import NullBooleanSelect
from django.utils.translation import gettext_lazy as _


class AllYesNoSelect(NullBooleanSelect):
    """A yes/no filter whose empty choice reads "All", not Django's "Unknown"."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]
