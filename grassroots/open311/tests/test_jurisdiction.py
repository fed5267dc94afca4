"""Open311 (issue #14): the demo town's division code, requests outside the town, similar ones."""

from __future__ import annotations

import re
from decimal import Decimal

from django.test import Client

from grassroots.cases.models import Case
from grassroots.cases.tests.helpers import file_case
from grassroots.demo.spec import TOWN_CODE, VILLAGES, village_code
from grassroots.grid.models import Household
from grassroots.open311.tests.test_open311 import file, post
from grassroots.testing import Town


def test_the_demo_town_and_its_villages_have_division_codes() -> None:
    assert re.fullmatch(r"430121\d{3}000", TOWN_CODE)
    codes = [village_code(i) for i in range(len(VILLAGES))]
    assert len(set(codes)) == len(VILLAGES)
    assert all(c.startswith(TOWN_CODE[:9]) and c != TOWN_CODE for c in codes)


def test_an_address_naming_no_village_of_the_town_is_refused(
    town: Town, client: Client, api_key: str
) -> None:
    refused = post(
        client,
        api_key=api_key,
        service_code="roads-lights",
        description="路灯坏了",
        address_string="望城区白沙洲街道",
    )
    assert refused.status_code == 400
    assert "测试镇" in refused.json()[0]["description"]
    # Naming the town itself still files at town level.
    created = file(client, api_key, address_string="测试镇政府门口")
    assert Case.objects.get(pk=created["service_request_id"]).place == town.town
    assert Case.objects.count() == 1


def test_a_position_outside_the_town_is_refused_once_the_town_has_positions(
    town: Town, client: Client, api_key: str
) -> None:
    # No position known in the town: a position cannot be checked and is kept.
    file(client, api_key, address_string="明月村", lat="30.5", long="114.3")
    Case.objects.all().delete()
    Household.objects.filter(pk=town.household_a1.pk).update(
        latitude=Decimal("28.250000"), longitude=Decimal("113.300000")
    )
    far = post(
        client,
        api_key=api_key,
        service_code="roads-lights",
        description="村口路灯坏了三天",
        address_string="明月村",
        lat="30.5",
        long="114.3",
    )
    assert far.status_code == 400 and "lat" in far.json()[0]["description"]
    assert Case.objects.count() == 0
    near = file(client, api_key, address_string="明月村", lat="28.26", long="113.31")
    assert Case.objects.filter(pk=near["service_request_id"]).exists()


def test_a_similar_open_request_is_named_in_the_notice(
    town: Town, client: Client, api_key: str
) -> None:
    first = file(client, api_key, description="明月村村口的路灯坏了好几天了，晚上黑漆漆的")
    other_village = file_case(town, place=town.group_b1, text="村口的路灯坏了，晚上不亮")
    second = file(client, api_key, description="村头那盏灯晚上不亮，老人出门不方便")
    notice = second["service_notice"]
    listed = re.findall(r"\d+", notice.split("service_request_id")[-1])
    assert listed == [first["service_request_id"]]
    assert str(other_village.pk) not in listed
    assert "service_request_id" not in first["service_notice"]
