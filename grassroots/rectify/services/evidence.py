"""The one optional evidence file of a sign-off request (never required to be a photo):
a document judged by its content (`core.documents`), at most 10 MB."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from grassroots.core.documents import MAX_BYTES, sniff

MAX_EVIDENCE_BYTES = MAX_BYTES


def clean_evidence(evidence: Any) -> Any:
    """The file if acceptable (or None); a ValidationError keyed "evidence" otherwise."""
    if evidence is None or evidence == "":
        return None
    if isinstance(evidence, (list, tuple)):
        if len(evidence) > 1:
            raise ValidationError({"evidence": _("Attach at most one file.")})
        return clean_evidence(evidence[0] if evidence else None)
    size = getattr(evidence, "size", None)
    if size is None or not hasattr(evidence, "read"):
        raise ValidationError({"evidence": _("The evidence must be a file.")})
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"evidence": _("The file is larger than 10 MB.")})
    found = sniff(evidence)
    if found is None:
        raise ValidationError(
            {"evidence": _("Attach a PDF, an image, or a Word, Excel or PowerPoint document.")}
        )
    # Stored under a random name (models.evidence_name) with the extension of what it is.
    evidence.name = f"evidence.{found[0]}"
    return evidence
