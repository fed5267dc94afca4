"""What must never be published: a full ID number or a full mobile number.

Editors write articles and disclosure items by hand, sometimes pasting from a roster. The
services refuse text that holds an 18-character ID number or an 11-digit mobile number
(masked forms such as 138****5678 pass), so no public page can carry one. These are short
fixed-shape patterns over plain text, not an HTML parser.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def holds_personal(text: str) -> bool:
    return bool(ID_NUMBER.search(text or "") or MOBILE.search(text or ""))


def refuse_personal(**fields: str) -> None:
    """ValidationError on each field that holds a full ID number or mobile number."""
    errors = {
        name: [
            _(
                "Remove the full ID or phone number: publish it masked (e.g. 138****5678), or not at all."
            )
        ]
        for name, text in fields.items()
        if holds_personal(text)
    }
    if errors:
        raise ValidationError(errors)
