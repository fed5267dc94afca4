"""The one optional evidence file of a sign-off request (never required to be a photo)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".txt")


def clean_evidence(evidence: Any) -> Any:
    """The file if acceptable (or None); a ValidationError keyed "evidence" otherwise."""
    if evidence is None or evidence == "":
        return None
    if isinstance(evidence, (list, tuple)):
        if len(evidence) > 1:
            raise ValidationError({"evidence": _("Attach at most one file.")})
        return clean_evidence(evidence[0] if evidence else None)
    name = str(getattr(evidence, "name", "") or "").lower()
    size = getattr(evidence, "size", None)
    if not name or size is None:
        raise ValidationError({"evidence": _("The evidence must be a file.")})
    if not name.endswith(EVIDENCE_EXTENSIONS):
        raise ValidationError(
            {"evidence": _("Attach a PDF, an image, a Word or Excel document or a text file.")}
        )
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"evidence": _("The file is larger than 10 MB.")})
    return evidence
