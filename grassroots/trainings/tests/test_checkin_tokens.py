"""Acceptance 2: a forged, expired or replayed token is refused and nothing is recorded.

Every refusal is checked through the service and through the phone page: a distinct
code and message, a 4xx status, no `Attendance` and no audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import translation

from grassroots.core import clock
from grassroots.core.audit import Action, AuditEvent
from grassroots.testing import Town
from grassroots.trainings import tokens
from grassroots.trainings.models import Attendance, Enrolment
from grassroots.trainings.services import checkin
from grassroots.trainings.tests.checkin_fixtures import AT, Training, make_training

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def t(town: Town) -> Training:
    return make_training(town)


def nothing_recorded() -> None:
    assert Attendance.objects.count() == 0
    assert not AuditEvent.objects.filter(action=Action.TRAININGS_ATTENDANCE_RECORDED).exists()


def refused(t: Training, code: str, *, token: str, session: int = 0, venue: int = 0) -> None:
    with pytest.raises(checkin.Refused) as exc:
        checkin.check_in_by_token(
            actor=t.mia,
            session_id=session or t.session.pk,
            venue_id=venue or t.main.pk,
            token=token,
        )
    assert exc.value.code == code
    nothing_recorded()


def test_a_fresh_token_checks_the_member_in_once(t: Training) -> None:
    token = tokens.issue(t.session.pk, t.main.pk)
    row = checkin.check_in_by_token(
        actor=t.mia, session_id=t.session.pk, venue_id=t.main.pk, token=token
    )
    assert (row.method, row.venue, row.enrolment) == (Attendance.Method.QR, t.main, t.enrol_mia)
    assert AuditEvent.objects.filter(action=Action.TRAININGS_ATTENDANCE_RECORDED).count() == 1
    # Used twice by the same person: refused, nothing more recorded.
    with pytest.raises(checkin.Refused) as exc:
        checkin.check_in_by_token(
            actor=t.mia, session_id=t.session.pk, venue_id=t.main.pk, token=token
        )
    assert exc.value.code == "already"
    assert Attendance.objects.count() == 1
    assert AuditEvent.objects.filter(action=Action.TRAININGS_ATTENDANCE_RECORDED).count() == 1


@pytest.mark.parametrize(
    "garble",
    [
        lambda tok: tok[:-2] + ("AA" if not tok.endswith("AA") else "BB"),  # signature changed
        lambda tok: tok.replace(tok.split(".")[0], "999", 1),  # session changed, same signature
        lambda tok: "nonsense",
        lambda tok: "",
        lambda tok: "1.2.3~",
    ],
    ids=["signature", "payload", "nonsense", "empty", "unsigned"],
)
def test_a_forged_token_is_refused(t: Training, garble) -> None:
    refused(t, tokens.FORGED, token=garble(tokens.issue(t.session.pk, t.main.pk)))


def test_a_token_of_another_salt_is_forged(t: Training) -> None:
    other = signing.Signer(salt="something.else", sep="~").sign(f"{t.session.pk}.{t.main.pk}.1")
    refused(t, tokens.FORGED, token=other)


def test_an_expired_token_is_refused(t: Training) -> None:
    token = tokens.issue(t.session.pk, t.main.pk)
    clock.set_now(AT + dt.timedelta(seconds=60))
    refused(t, tokens.EXPIRED, token=token)


def test_a_token_is_accepted_until_45_seconds_after_its_window_began(t: Training) -> None:
    begins = dt.datetime.fromtimestamp(tokens.window_of(AT) * tokens.WINDOW, tz=dt.UTC)
    token = tokens.issue(t.session.pk, t.main.pk, begins)
    tokens.read(token, t.session.pk, t.main.pk, begins + dt.timedelta(seconds=45))
    with pytest.raises(tokens.TokenError):
        tokens.read(token, t.session.pk, t.main.pk, begins + dt.timedelta(seconds=46))
    # A new one every 30 seconds.
    assert tokens.issue(t.session.pk, t.main.pk, begins + dt.timedelta(seconds=29)) == token
    assert tokens.issue(t.session.pk, t.main.pk, begins + dt.timedelta(seconds=30)) != token


def test_a_token_replayed_for_another_session_is_refused(t: Training) -> None:
    refused(
        t,
        tokens.WRONG_SESSION,
        token=tokens.issue(t.other.pk, t.main.pk),
        session=t.session.pk,
    )


def test_a_token_replayed_for_another_venue_is_refused(t: Training) -> None:
    refused(t, tokens.WRONG_VENUE, token=tokens.issue(t.session.pk, t.sub_a.pk), venue=t.main.pk)


def test_a_person_not_enrolled_is_refused(t: Training, town: Town) -> None:
    with pytest.raises(checkin.Refused) as exc:
        checkin.check_in_by_token(
            actor=town.oscar,
            session_id=t.session.pk,
            venue_id=t.main.pk,
            token=tokens.issue(t.session.pk, t.main.pk),
        )
    assert exc.value.code == "not_enrolled"
    nothing_recorded()


def test_an_excused_person_is_refused(t: Training) -> None:
    Enrolment.objects.filter(pk=t.enrol_mia.pk).update(status=Enrolment.Status.EXCUSED)
    refused(t, "excused", token=tokens.issue(t.session.pk, t.main.pk))


def test_a_cancelled_session_is_refused(t: Training) -> None:
    t.session.cancelled = True
    t.session.save()
    refused(t, "cancelled", token=tokens.issue(t.session.pk, t.main.pk))


def test_check_in_opens_an_hour_before_and_closes_at_the_days_end(t: Training) -> None:
    clock.set_now(t.session.starts_at - dt.timedelta(minutes=61))
    refused(t, "not_open", token=tokens.issue(t.session.pk, t.main.pk))
    clock.set_now(dt.datetime(2026, 11, 26, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    refused(t, "not_open", token=tokens.issue(t.session.pk, t.main.pk))
    clock.set_now(t.session.starts_at - dt.timedelta(minutes=59))
    checkin.check_in_by_token(
        actor=t.mia,
        session_id=t.session.pk,
        venue_id=t.main.pk,
        token=tokens.issue(t.session.pk, t.main.pk),
    )
    assert Attendance.objects.count() == 1


def test_a_venue_not_holding_the_session_is_unknown(t: Training) -> None:
    refused(t, "unknown", token=tokens.issue(t.online.pk, t.main.pk), session=t.online.pk)


def test_the_ticket_is_bound_to_the_user(t: Training) -> None:
    ticket = tokens.ticket(t.ben.pk, t.session.pk, t.main.pk)
    with pytest.raises(checkin.Refused) as exc:
        checkin.check_in_by_ticket(
            actor=t.mia, session_id=t.session.pk, venue_id=t.main.pk, ticket=ticket
        )
    assert exc.value.code == tokens.WRONG_USER
    nothing_recorded()


def test_the_ticket_expires_after_three_minutes(t: Training) -> None:
    ticket = tokens.ticket(t.mia.pk, t.session.pk, t.main.pk)
    clock.set_now(AT + dt.timedelta(seconds=tokens.TICKET_MAX_AGE + 1))
    with pytest.raises(checkin.Refused) as exc:
        checkin.check_in_by_ticket(
            actor=t.mia, session_id=t.session.pk, venue_id=t.main.pk, ticket=ticket
        )
    assert exc.value.code == tokens.EXPIRED
    nothing_recorded()


# --- the same refusals on the phone page -------------------------------------------------


def link(t: Training, token: str, session: int = 0, venue: int = 0) -> str:
    return reverse(
        "trainings:checkin",
        kwargs={"session": session or t.session.pk, "venue": venue or t.main.pk, "token": token},
    )


@pytest.mark.parametrize(
    ("make", "status", "words"),
    [
        (lambda t: link(t, "nonsense"), 400, "签到码无效"),
        (lambda t: link(t, tokens.issue(t.other.pk, t.main.pk)), 400, "属于其他课次"),
        (lambda t: link(t, tokens.issue(t.session.pk, t.sub_a.pk)), 400, "属于其他会场"),
    ],
    ids=["forged", "other-session", "other-venue"],
)
def test_the_page_refuses_with_the_reason(t: Training, client_for, make, status, words) -> None:
    response = client_for("mia").get(make(t))
    assert response.status_code == status
    assert words in response.content.decode()
    nothing_recorded()


def test_the_page_refuses_an_expired_link_with_410(t: Training, client_for) -> None:
    url = link(t, tokens.issue(t.session.pk, t.main.pk))
    clock.set_now(AT + dt.timedelta(seconds=60))
    response = client_for("mia").get(url)
    assert response.status_code == 410
    assert "签到码已过期" in response.content.decode()
    assert client_for("mia").post(url).status_code == 410
    nothing_recorded()
