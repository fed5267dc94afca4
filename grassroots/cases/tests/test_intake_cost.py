"""The filing request stays cheap: few queries, no re-reads, a model trained once."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from grassroots.cases import services, suggest, sweeps
from grassroots.cases.models import Case, CaseEvent, Category, Closure, Status
from grassroots.cases.serializers import CaseSerializer
from grassroots.cases.suggest import MIN_TRAINING, suggest_category
from grassroots.cases.tests.helpers import file_case
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.notify.models import Notice
from grassroots.testing import Town


def _token_client(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return api


def test_filing_through_the_api_answers_like_the_case_serializer_without_rereading(
    town: Town, monday
) -> None:
    api = _token_client(town.root)
    body = {"place": town.group_a1.pk, "text": "村口路灯不亮", "category": "roads-lights"}
    response = api.post("/api/cases/", body, format="json")
    assert response.status_code == 201
    case = Case.objects.get()
    assert response.json() == json.loads(json.dumps(CaseSerializer(case).data, default=str))
    assert case.owner_place == town.village_a and case.town == town.town
    # One event, one audit row; the dispatchers are told by the worker, not in the request.
    assert CaseEvent.objects.filter(case=case).count() == 1
    assert (
        AuditEvent.objects.filter(action=Action.CASE_SUBMITTED, object_id=str(case.pk)).count() == 1
    )
    assert not Notice.objects.filter(kind="case.submitted").exists()
    assert case.announced_at is None

    # The next filing by the same client reads nothing: token, category and
    # places are remembered by the worker process (core.memo).
    with CaptureQueriesContext(connection) as queries:
        again = api.post("/api/cases/", {**body, "text": "村口路灯又不亮了"}, format="json")
    assert again.status_code == 201
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if q.startswith("SELECT")], sql
    writes = [q for q in sql if q.startswith(("INSERT", "WITH"))]
    if connection.vendor == "postgresql":
        # Case, event and audit row in one statement, outside any transaction block.
        assert len(writes) == 1 and writes[0].startswith("WITH"), sql
    else:
        assert len(writes) == 3, sql

    # The worker's pass tells the village secretary (sam), once per case.
    assert sweeps.sweep_announcements() == 2
    assert sweeps.sweep_announcements() == 0
    assert sorted(
        Notice.objects.filter(kind="case.submitted").values_list("recipient", flat=True)
    ) == [town.sam.pk, town.sam.pk]


def test_a_filing_on_a_village_or_the_town_is_owned_without_extra_lookups(
    town: Town, monday
) -> None:
    assert services.town_and_owner(town.village_a) == (town.town, town.village_a)
    assert services.town_and_owner(town.town) == (town.town, town.town)
    assert services.town_and_owner(town.group_b1) == (town.town, town.village_b)


def test_a_representative_filing_through_the_api_is_linked_to_the_representative(
    town: Town, api_for, monday
) -> None:
    created = api_for("rita").post(
        "/api/cases/",
        {"household": town.household_b1.pk, "text": "门前水沟堵塞发臭"},
        format="json",
    )
    assert created.status_code == 201
    case = Case.objects.get(pk=created.json()["id"])
    assert case.reporter_representative == town.rita.representative
    assert case.channel == "visit"
    assert created.json()["reporter_name"] == town.household_b1.head_name


def test_the_category_model_is_trained_once_and_again_when_the_history_changes(
    town: Town, monday
) -> None:
    disputes = Category.objects.get(code="disputes")
    for n in range(MIN_TRAINING):
        case = file_case(town, text=f"围墙 倒了 第{n}家", category=disputes)
        Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, closure=Closure.RESOLVED)
    assert suggest_category("邻居家围墙倒了", town=town.town) == disputes
    first = suggest._MODELS[town.town.pk][1]
    suggest_category("围墙又倒了", town=town.town)
    assert suggest._MODELS[town.town.pk][1] is first
    water = Category.objects.get(code="utilities-water")
    for n in range(MIN_TRAINING * 2):
        case = file_case(town, text=f"自来水 停水 第{n}户", category=water)
        Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, closure=Closure.RESOLVED)
    assert suggest_category("自来水停水了", town=town.town) == water
    assert suggest._MODELS[town.town.pk][1] is not first
