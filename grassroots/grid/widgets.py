"""Form widgets of the grid pages, shared by the apps above (party, exchange)."""

from __future__ import annotations

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"


class IsoDateInput(forms.DateInput):
    """`<input type="date">` with its value in ISO form, whatever the interface language.

    A date input only understands YYYY-MM-DD; Django's default renders the
    locale's first input format (zh-hans: 2026/11/29), which the browser
    discards and shows as an empty field.
    """

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)
