"""`{% checkin_links session %}`: the session page's links to each venue's screen and to
the check-in by hand (venue staff), and to online study (an enrolled person)."""

from __future__ import annotations

from typing import Any

from django import template

from grassroots.core.roles import Cap
from grassroots.core.scoping import scope_for
from grassroots.trainings.models import Mode, Session
from grassroots.trainings.services import checkin

register = template.Library()


@register.inclusion_tag("trainings/checkin/_links.html", takes_context=True)
def checkin_links(context: Any, session: Session) -> dict[str, Any]:
    user = context["request"].user
    staff = scope_for(user).can(Cap.CHECK_IN) and not session.cancelled
    study = False
    if session.mode != Mode.OFFLINE and session.material_kind:
        try:
            checkin.own_enrolment(user, session)
            study = True
        except checkin.Refused:
            study = False
    return {
        "session": session,
        "venues": list(session.venues.all()) if staff else [],
        "study": study,
    }
