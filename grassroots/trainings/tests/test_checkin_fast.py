"""The token scan's fast path (decision 0011): the same checks, answers and rows as the
DRF view, anything else handed to that view, the session memo forgotten on a change."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import translation
from rest_framework.authtoken.models import Token

from grassroots.accounts.authentication import TOKENS
from grassroots.accounts.models import User
from grassroots.core import auditchain
from grassroots.core.audit import Action, AuditEvent
from grassroots.testing import Town
from grassroots.trainings import api_checkin, tokens
from grassroots.trainings.models import Attendance, Enrolment, Session
from grassroots.trainings.serializers_checkin import CheckinAttendanceSerializer
from grassroots.trainings.tests.checkin_fixtures import AT, Training, make_training

pytestmark = pytest.mark.django_db
URL = "/api/training-checkins/"
MISSING = 987_654_321


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def t(town: Town) -> Training:
    return make_training(town)


def body(t: Training, **over: Any) -> dict[str, Any]:
    data = {
        "session": t.session.pk,
        "venue": t.main.pk,
        "token": tokens.issue(t.session.pk, t.main.pk),
    }
    data.update(over)
    return data


def request(user: User | None, data: Any, **extra: Any) -> Any:
    if user is not None:
        key = Token.objects.get_or_create(user=user)[0].key
        extra.setdefault("HTTP_AUTHORIZATION", f"Token {key}")
    raw = data if isinstance(data, str) else json.dumps(data)
    return RequestFactory().post(URL, raw, content_type="application/json", **extra)


def drf(user: User | None, data: Any) -> Any:
    response = api_checkin._CHECKIN_VIEW(request(user, data))
    response.render()
    return response


def fast(user: User | None, data: Any, **extra: Any) -> Any:
    return api_checkin.fast_answer(request(user, data, **extra))


def recorded() -> tuple[int, int]:
    logs = AuditEvent.objects.filter(action=Action.TRAININGS_ATTENDANCE_RECORDED).count()
    return Attendance.objects.count(), logs


def test_the_fast_path_records_what_the_service_records(t: Training) -> None:
    answer = fast(t.mia, body(t))
    assert answer is not None and answer.status_code == 201
    row = Attendance.objects.select_related("enrolment").get()
    assert json.loads(answer.content) == CheckinAttendanceSerializer(row).data
    assert (row.enrolment, row.venue, row.method, row.recorded_by) == (
        t.enrol_mia,
        t.main,
        Attendance.Method.QR,
        t.mia,
    )
    assert (row.at, row.hours, row.year) == (AT, t.session.hours, AT.year)
    assert (row.branch_id, row.village_id) == (t.enrol_mia.branch_id, t.enrol_mia.village_id)
    assert (row.org_path, row.place_path, row.note) == (
        t.enrol_mia.org_path,
        t.enrol_mia.place_path,
        "",
    )
    log = AuditEvent.objects.get(action=Action.TRAININGS_ATTENDANCE_RECORDED)
    assert (log.actor, log.object_type, log.object_id) == (
        t.mia,
        "trainings.attendance",
        str(row.pk),
    )
    assert log.data == {"session": t.session.pk, "method": "qr", "venue": t.main.pk}
    # The second scan: the same "already" answer as the DRF view's, nothing more written.
    again = fast(t.mia, body(t))
    expected = drf(t.mia, body(t))
    assert (again.status_code, json.loads(again.content)) == (
        expected.status_code,
        json.loads(expected.content),
    )
    assert json.loads(again.content)["code"] == "already"
    assert recorded() == (1, 1)
    # --- audit (issue #14): each scan's audit row has its own MAC, the chain holds
    assert fast(t.ben, body(t)).status_code == 201  # the prepared values, used again
    assert auditchain.verify().intact
    assert auditchain.seal() > 0 and auditchain.verify().intact
    # --- end audit


def _excuse(t: Training) -> None:
    Enrolment.objects.filter(pk=t.enrol_mia.pk).update(status=Enrolment.Status.EXCUSED)


def _cancel(t: Training) -> None:
    t.session.cancelled = True
    t.session.save()


CASES: dict[str, tuple[Callable[[Training], dict[str, Any]], Callable[[Training], Any] | None]] = {
    "forged": (lambda t: {"token": "x~y"}, None),
    "wrong_session": (lambda t: {"token": tokens.issue(t.other.pk, t.main.pk)}, None),
    "wrong_venue": (lambda t: {"token": tokens.issue(t.session.pk, t.sub_a.pk)}, None),
    "expired": (
        lambda t: {"token": tokens.issue(t.session.pk, t.main.pk, AT - dt.timedelta(seconds=60))},
        None,
    ),
    "unknown": (lambda t: {"venue": MISSING, "token": tokens.issue(t.session.pk, MISSING)}, None),
    "not_open": (
        lambda t: {"session": t.other.pk, "token": tokens.issue(t.other.pk, t.main.pk)},
        None,
    ),
    "cancelled": (lambda t: {}, _cancel),
    "excused": (lambda t: {}, _excuse),
}


@pytest.mark.parametrize("code", list(CASES))
def test_each_refusal_is_the_drf_views_and_records_nothing(t: Training, code: str) -> None:
    make, before = CASES[code]
    if before is not None:
        before(t)
    data = body(t, **make(t))
    answer = fast(t.mia, data)
    assert answer is not None
    expected = drf(t.mia, data)
    assert (answer.status_code, json.loads(answer.content)) == (
        expected.status_code,
        json.loads(expected.content),
    )
    assert json.loads(answer.content)["code"] == code
    assert recorded() == (0, 0)


def test_a_person_not_enrolled_is_refused_alike(t: Training, town: Town) -> None:
    answer = fast(town.oscar, body(t))
    expected = drf(town.oscar, body(t))
    assert (answer.status_code, json.loads(answer.content)["code"]) == (403, "not_enrolled")
    assert json.loads(answer.content) == json.loads(expected.content)
    assert recorded() == (0, 0)


@pytest.mark.parametrize(
    "data",
    [
        "not json",
        [1, 2],
        {"session": "1", "venue": 1, "token": "x"},  # DRF would take "1"; it decides
        {"session": 0, "venue": 1, "token": "x"},
        {"session": True, "venue": 1, "token": "x"},
        {"venue": 1, "token": "x"},
        {"session": 1, "venue": 1, "token": "  "},
        {"session": 1, "venue": 1, "token": "x" * 201},
        {"session": 1, "venue": 1, "token": "x", "extra": 1},
    ],
)
def test_a_body_the_fast_path_does_not_take_is_handed_to_drf(t: Training, data: Any) -> None:
    assert fast(t.mia, data) is None


def test_other_callers_are_handed_to_drf(t: Training, client: Any) -> None:
    assert fast(None, body(t)) is None  # no token
    assert fast(None, body(t), HTTP_AUTHORIZATION="Token nope") is None
    assert api_checkin.fast_answer(RequestFactory().get(URL)) is None
    # Through the URL: DRF's answers.
    bad = client.post(URL, body(t), content_type="application/json", HTTP_AUTHORIZATION="Token no")
    assert bad.status_code == 401
    client.force_login(t.mia)
    by_session = client.post(URL, body(t), content_type="application/json")
    assert by_session.status_code == 201, by_session.content
    assert recorded() == (1, 1)


def test_the_url_takes_the_fast_path_and_drf_validates_the_rest(t: Training, api_for) -> None:
    mia = api_for("mia")
    wrong = mia.post(URL, {"session": t.session.pk, "venue": t.main.pk}, format="json")
    assert wrong.status_code == 400 and "token" in wrong.json()
    response = mia.post(URL, body(t), format="json")
    assert response.status_code == 201 and response.json()["name"] == t.enrol_mia.name
    assert recorded() == (1, 1)


def test_the_session_memo_is_forgotten_when_the_session_or_its_venues_change(
    t: Training,
) -> None:
    assert fast(t.mia, body(t)).status_code == 201  # the session is now remembered
    t.session.venues.remove(t.main)
    gone = fast(t.ben, body(t))
    assert json.loads(gone.content)["code"] == "unknown"
    t.session.venues.add(t.main)
    session = Session.objects.get(pk=t.session.pk)
    session.cancelled = True
    session.save()
    assert json.loads(fast(t.ben, body(t)).content)["code"] == "cancelled"
    assert recorded() == (1, 1)


# --- the token's user on the fast path: the statement's own lookup, or the memo ----------


def _key(user: User) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def test_an_inactive_users_token_is_handed_to_drf_and_refused_alike(
    t: Training, client: Any
) -> None:
    key = _key(t.mia)
    User.objects.filter(pk=t.mia.pk).update(is_active=False)
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert fast(None, body(t), **auth) is None  # nothing written; DRF answers
    # A refusal of the scan itself does not come before the token's: DRF's 401 does.
    assert fast(None, body(t, token="x~y"), **auth) is None
    answer = client.post(URL, body(t), content_type="application/json", **auth)
    assert (answer.status_code, answer.json()["code"]) == (401, "authentication_failed")
    assert recorded() == (0, 0)


def test_an_unknown_token_is_handed_to_drf_before_any_refusal(t: Training, client: Any) -> None:
    auth = {"HTTP_AUTHORIZATION": "Token " + "0" * 40}
    for data in (body(t), body(t, token="x~y"), body(t, venue=MISSING)):
        assert fast(None, data, **auth) is None
        answer = client.post(URL, data, content_type="application/json", **auth)
        assert (answer.status_code, answer.json()["code"]) == (401, "authentication_failed")
    assert recorded() == (0, 0)


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token \u00e9t\u00e9"])
def test_a_header_drf_refuses_itself_is_handed_to_it(t: Training, header: str) -> None:
    assert fast(None, body(t), HTTP_AUTHORIZATION=header) is None
    assert recorded() == (0, 0)


def test_a_remembered_token_checks_in_as_its_user(t: Training) -> None:
    key = _key(t.ben)
    api_checkin._TOKEN_AUTH.authenticate_credentials(key)  # the token memo now holds ben
    assert TOKENS.peek(key)[0] == t.ben
    answer = fast(None, body(t), HTTP_AUTHORIZATION=f"Token {key}")
    assert answer.status_code == 201 and json.loads(answer.content)["name"] == t.enrol_ben.name
    row = Attendance.objects.get()
    assert (row.enrolment, row.recorded_by) == (t.enrol_ben, t.ben)
    log = AuditEvent.objects.get(action=Action.TRAININGS_ATTENDANCE_RECORDED)
    assert (log.actor, log.object_id) == (t.ben, str(row.pk))
    again = fast(None, body(t), HTTP_AUTHORIZATION=f"Token {key}")
    assert json.loads(again.content)["code"] == "already"
    assert recorded() == (1, 1)


def test_a_refusal_before_the_statement_authenticates_first(t: Training) -> None:
    key = _key(t.mia)
    answer = fast(None, body(t, token="x~y"), HTTP_AUTHORIZATION=f"Token {key}")
    assert json.loads(answer.content)["code"] == "forged"
    assert TOKENS.peek(key)[0] == t.mia  # the token authentication ran (and remembered)


def test_each_token_of_a_rush_records_its_own_user(t: Training, town: Town) -> None:
    # mia and ben in turn, neither remembered: each statement finds its own token's user.
    for user, enrolment in ((t.mia, t.enrol_mia), (t.ben, t.enrol_ben)):
        answer = fast(user, body(t))
        assert json.loads(answer.content)["enrolment"] == enrolment.pk
    assert set(Attendance.objects.values_list("enrolment", "recorded_by")) == {
        (t.enrol_mia.pk, t.mia.pk),
        (t.enrol_ben.pk, t.ben.pk),
    }
    # Someone not enrolled, by the statement's lookup: refused as the DRF view refuses.
    answer = fast(town.oscar, body(t))
    assert json.loads(answer.content)["code"] == "not_enrolled"
    assert recorded() == (2, 2)
