from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from grassroots.orglife import services
from grassroots.orglife.models import Meeting, MeetingKind
from grassroots.party.models import Organization

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "纪要.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def meeting(
    actor: Any,
    org: Organization,
    on: dt.date,
    kind: str = MeetingKind.PARTY_DAY,
    present: list[Any] | None = None,
    **extra: Any,
) -> Meeting:
    return services.meeting_record(
        actor=actor,
        organization=org,
        kind=kind,
        held_on=on,
        place="村部会议室",
        topic=extra.pop("topic", "学习党的二十大精神"),
        present=present or [],
        **extra,
    )
