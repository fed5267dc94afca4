"""Open311 GeoReport v2 as a plain HTTP client sees it (JSON and XML)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from grassroots.cases import selectors as case_selectors
from grassroots.cases import services as case_services
from grassroots.cases import sweeps as case_sweeps
from grassroots.cases.models import Case
from grassroots.core import clock
from grassroots.grid import services as grid
from grassroots.grid.models import Place
from grassroots.notify.models import Notice
from grassroots.open311.models import ApiKey
from grassroots.testing import Town

BASE = "/open311/v2/"
JUR = "430121100000"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def parse_xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own server's output


def post(client: Client, fmt: str = "json", **data: Any) -> Any:
    data.setdefault("jurisdiction_id", JUR)
    return client.post(f"{BASE}requests.{fmt}", data)


def file(client: Client, key: str, **data: Any) -> dict[str, Any]:
    data = {
        "api_key": key,
        "service_code": "roads-lights",
        "description": "村口路灯坏了三天",
        "address_string": "明月村一组村口",
        **data,
    }
    response = post(client, **data)
    assert response.status_code == 201, response.content
    return response.json()[0]


def test_discovery_lists_this_endpoint_in_both_formats(town: Town, client: Client) -> None:
    data = client.get(f"{BASE}discovery.json").json()
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert data["endpoints"][0]["url"] == "http://testserver/open311/v2"
    xml = parse_xml(client.get(f"{BASE}discovery.xml").content)
    assert xml.tag == "discovery"
    assert [f.text for f in xml.iter("format")] == ["text/xml", "application/json"]


def test_services_are_the_case_categories(town: Town, client: Client) -> None:
    response = client.get(f"{BASE}services.json", {"jurisdiction_id": JUR})
    assert response["Content-Type"].startswith("application/json")
    services = {s["service_code"]: s for s in response.json()}
    assert services["roads-lights"]["service_name"] == "路灯照明"
    assert services["roads-lights"]["group"] == "道路交通"
    assert services["roads-lights"]["type"] == "realtime"
    xml = parse_xml(client.get(f"{BASE}services.xml", {"jurisdiction_id": JUR}).content)
    assert xml.tag == "services"
    codes = [s.findtext("service_code") for s in xml.findall("service")]
    assert set(codes) == set(services)
    assert xml.find("service/metadata").text == "true"


def test_a_service_definition_lists_its_attributes(town: Town, client: Client) -> None:
    data = client.get(f"{BASE}services/utilities-water.json").json()
    assert data["service_code"] == "utilities-water"
    priority = data["attributes"][0]
    assert priority["code"] == "priority" and priority["datatype"] == "singlevaluelist"
    assert "emergency" in [v["key"] for v in priority["values"]]
    xml = parse_xml(client.get(f"{BASE}services/utilities-water.xml").content)
    assert xml.tag == "service_definition"
    assert [v.findtext("key") for v in xml.iter("value")][0] == "emergency"
    missing = client.get(f"{BASE}services/nonsense.json")
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404


def test_an_unknown_jurisdiction_gets_the_spec_error(town: Town, client: Client) -> None:
    response = client.get(f"{BASE}services.json", {"jurisdiction_id": "999999999999"})
    assert response.status_code == 404
    [error] = response.json()
    assert error["code"] == 404 and "jurisdiction_id" in error["description"]
    xml = client.get(f"{BASE}requests.xml", {"jurisdiction_id": "999999999999"})
    root = parse_xml(xml.content)
    assert root.tag == "errors" and root.findtext("error/code") == "404"


def test_with_two_towns_the_jurisdiction_must_be_named(town: Town, client: Client) -> None:
    assert client.get(f"{BASE}services.json").status_code == 200  # one town: implied
    grid.place_create(
        actor=town.root, parent=None, kind=Place.Kind.TOWN, name="另一镇", code="430121200000"
    )
    response = client.get(f"{BASE}services.json")
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


def test_posting_without_a_key_gets_the_spec_error(town: Town, client: Client) -> None:
    response = post(client, service_code="roads", description="路面塌陷", address_string="明月村")
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and "api_key" in error["description"]
    xml = post(client, "xml", service_code="roads", description="路面塌陷", address_string="明月村")
    assert xml.status_code == 400
    root = parse_xml(xml.content)
    assert root.tag == "errors" and root.findtext("error/code") == "400"
    assert Case.objects.count() == 0


def test_a_wrong_or_revoked_key_is_refused(town: Town, client: Client, api_key: str) -> None:
    assert post(client, api_key="not-a-key", service_code="roads").status_code == 403
    from grassroots.open311.services import apikey_revoke

    apikey_revoke(actor=town.root, key=ApiKey.objects.get())
    response = post(
        client,
        api_key=api_key,
        service_code="roads",
        description="路面塌陷",
        address_string="明月村",
    )
    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_a_key_for_another_town_is_refused(town: Town, client: Client) -> None:
    from grassroots.open311.services import apikey_create

    other = grid.place_create(
        actor=town.root, parent=None, kind=Place.Kind.TOWN, name="另一镇", code="430121200000"
    )
    _key, raw = apikey_create(actor=town.root, name="另一镇热线", town=other)
    response = post(
        client, api_key=raw, service_code="roads", description="路面塌陷", address_string="明月村"
    )
    assert response.status_code == 403


def test_a_posted_request_becomes_a_case_in_the_village_inbox(
    town: Town, client: Client, api_key: str
) -> None:
    with clock.frozen(T0):
        created = file(client, api_key, first_name="大明", last_name="王", phone="13812340000")
    case = Case.objects.get(pk=created["service_request_id"])
    assert created["token"] == case.code
    assert case.channel == "api"
    assert case.place == town.group_a1
    assert case.category.code == "roads-lights"
    assert case.reporter_name == "王大明"
    assert case.reporter_phone_masked and "13812340000" not in case.reporter_phone
    assert "明月村一组村口" in case.text
    # The village secretary sees it in the inbox and is told about it by the worker.
    assert case in case_selectors.inbox(town.sam)
    assert case_sweeps.sweep_announcements() == 1
    assert Notice.objects.filter(recipient=town.sam, kind="case.submitted").exists()
    # The representative of the other village does not.
    assert case not in case_selectors.inbox(town.rita)


def test_a_household_code_as_address_id_files_for_that_household(
    town: Town, client: Client, api_key: str
) -> None:
    created = file(client, api_key, address_id="B-001", address_string="")
    case = Case.objects.get(pk=created["service_request_id"])
    assert case.household == town.household_b1
    assert case in case_selectors.inbox(town.rita)
    missing = post(
        client,
        api_key=api_key,
        service_code="roads",
        description="路面塌陷",
        address_id="Z-999",
    )
    assert missing.status_code == 404


def test_bad_posts_get_a_reason_and_change_nothing(
    town: Town, client: Client, api_key: str
) -> None:
    no_code = post(client, api_key=api_key, description="路面塌陷", address_string="明月村")
    assert no_code.status_code == 400 and "service_code" in no_code.json()[0]["description"]
    bad_code = post(
        client, api_key=api_key, service_code="x", description="路面", address_string="明月村"
    )
    assert bad_code.status_code == 404
    nowhere = post(client, api_key=api_key, service_code="roads", description="路面塌陷")
    assert nowhere.status_code == 400
    short = post(
        client, api_key=api_key, service_code="roads", description="坑", address_string="明月村"
    )
    assert short.status_code == 400
    bad_priority = post(
        client,
        api_key=api_key,
        service_code="roads",
        description="路面塌陷",
        address_string="明月村",
        **{"attribute[priority]": "whenever"},
    )
    assert bad_priority.status_code == 400
    bad_lat = post(
        client, api_key=api_key, service_code="roads", description="路面塌陷", lat="北", long="1"
    )
    assert bad_lat.status_code == 400
    too_long = post(
        client,
        api_key=api_key,
        service_code="roads",
        description="坑" * 4001,
        address_string="明月村",
    )
    assert too_long.status_code == 400
    assert Case.objects.count() == 0


def test_coordinates_alone_file_the_request_with_the_town(
    town: Town, client: Client, api_key: str
) -> None:
    created = file(
        client,
        api_key,
        address_string="",
        lat="28.2",
        long="112.9",
        media_url="https://example.org/photos/lamp.jpg",
    )
    case = Case.objects.get(pk=created["service_request_id"])
    assert case.place == town.town
    # The coordinates and the media link are kept on the case, not in its text.
    assert (case.latitude, case.longitude) == (Decimal("28.2"), Decimal("112.9"))
    assert case.media_url == "https://example.org/photos/lamp.jpg"
    assert case.text == "村口路灯坏了三天"
    assert f"/cases/track/{case.code}/" in created["service_notice"]
    [row] = client.get(f"/open311/v2/requests/{case.pk}.json", {"api_key": api_key}).json()
    assert (row["lat"], row["long"]) == ("28.2", "112.9")
    assert row["media_url"] == "https://example.org/photos/lamp.jpg"


def test_a_media_url_that_is_not_a_web_address_is_refused(
    town: Town, client: Client, api_key: str
) -> None:
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": api_key,
            "service_code": "roads-lights",
            "description": "村口路灯坏了三天",
            "address_string": "明月村一组",
            "media_url": "javascript:alert(1)",
        },
    )
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_attributes_set_priority_and_affected_households(
    town: Town, client: Client, api_key: str
) -> None:
    created = file(
        client,
        api_key,
        service_code="utilities-water",
        description="整组停水",
        **{"attribute[priority]": "emergency", "attribute[affected_households]": "12"},
    )
    case = Case.objects.get(pk=created["service_request_id"])
    assert (case.priority, case.affected_households) == ("emergency", 12)


def test_posting_is_rate_limited_per_key(
    town: Town, client: Client, api_key: str, settings: Any
) -> None:
    settings.OPEN311_POSTS_PER_MINUTE = 2
    clock.set_now(T0)
    file(client, api_key)
    file(client, api_key)
    limited = post(
        client,
        api_key=api_key,
        service_code="roads",
        description="路面塌陷",
        address_string="明月村",
    )
    assert limited.status_code == 429
    assert limited.json()[0]["code"] == 429
    assert Case.objects.count() == 2
    clock.advance(dt.timedelta(minutes=1))
    file(client, api_key)


def test_requests_are_listed_with_status_and_our_deadline(
    town: Town, client: Client, api_key: str
) -> None:
    with clock.frozen(T0):
        created = file(client, api_key)
    case = Case.objects.get(pk=created["service_request_id"])
    with clock.frozen(T0 + dt.timedelta(hours=1)):
        rows = client.get(f"{BASE}requests.json", {"jurisdiction_id": JUR}).json()
    assert len(rows) == 1
    row = rows[0]
    assert row["service_request_id"] == str(case.pk)
    assert row["status"] == "open"
    assert row["service_code"] == "roads-lights"
    assert row["requested_datetime"] == "2026-03-02T17:00:00+08:00"
    expected = timezone.localtime(case.resolve_due_at).isoformat(timespec="seconds")
    assert row["expected_datetime"] == expected and expected.endswith("+08:00")
    assert row["address"] == "明月村一组"
    assert row["agency_responsible"] == "明月村"
    # The public sees no free text and no token; a key holder sees the text.
    assert row["description"] == "" and "token" not in row
    assert case.code not in str(rows)
    with clock.frozen(T0 + dt.timedelta(hours=1)):
        keyed = client.get(f"{BASE}requests.json", {"api_key": api_key}).json()
    assert keyed[0]["description"].startswith("村口路灯坏了三天")


def test_private_categories_are_listed_only_to_key_holders(
    town: Town, client: Client, api_key: str
) -> None:
    file(client, api_key, service_code="disputes", description="邻居占用通道")
    public = client.get(f"{BASE}requests.json").json()
    assert public == []
    assert len(client.get(f"{BASE}requests.json", {"api_key": api_key}).json()) == 1


def test_request_filters(town: Town, client: Client, api_key: str) -> None:
    with clock.frozen(T0):
        a = file(client, api_key)["service_request_id"]
    with clock.frozen(T0 + dt.timedelta(days=2)):
        b = file(client, api_key, service_code="sanitation", description="垃圾堆放很久没人清")[
            "service_request_id"
        ]
    case_b = Case.objects.get(pk=b)
    with clock.frozen(T0 + dt.timedelta(days=3)):
        case_services.case_withdraw(actor=town.alice, case=case_b, closure="duplicate")

    def ids(**params: str) -> list[str]:
        with clock.frozen(T0 + dt.timedelta(days=3)):
            response = client.get(f"{BASE}requests.json", params)
        assert response.status_code == 200, response.content
        return sorted(r["service_request_id"] for r in response.json())

    assert ids() == sorted([a, b])
    assert ids(service_request_id=f"{a},{b},999999") == sorted([a, b])
    assert ids(service_code="roads-lights") == [a]
    assert ids(status="open") == [a]
    assert ids(status="closed") == [b]
    assert ids(start_date="2026-03-03T00:00:00+08:00") == [b]
    assert ids(end_date="2026-03-03T00:00:00+08:00") == [a]
    assert ids(start_date="2026-03-03T00:00:00Z", end_date="2026-03-05T00:00:00Z") == [b]
    closed = client.get(f"{BASE}requests/{b}.json").json()[0]
    assert closed["status"] == "closed"
    assert closed["status_notes"]
    bad = client.get(f"{BASE}requests.json", {"start_date": "yesterday"})
    assert bad.status_code == 400
    assert client.get(f"{BASE}requests.json", {"status": "pending"}).status_code == 400


def test_one_request_is_a_one_element_list_in_both_formats(
    town: Town, client: Client, api_key: str
) -> None:
    created = file(client, api_key)
    pk = created["service_request_id"]
    rows = client.get(f"{BASE}requests/{pk}.json").json()
    assert [r["service_request_id"] for r in rows] == [pk]
    root = parse_xml(client.get(f"{BASE}requests/{pk}.xml").content)
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [pk]
    assert root.findtext("request/status") == "open"
    missing = client.get(f"{BASE}requests/999999.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


def test_a_request_of_another_town_is_not_found(town: Town, client: Client, api_key: str) -> None:
    other = grid.place_create(
        actor=town.root, parent=None, kind=Place.Kind.TOWN, name="另一镇", code="430121200000"
    )
    pk = file(client, api_key)["service_request_id"]
    response = client.get(f"{BASE}requests/{pk}.json", {"jurisdiction_id": other.code})
    assert response.status_code == 404
    assert client.get(f"{BASE}requests.json", {"jurisdiction_id": other.code}).json() == []


def test_a_token_leads_to_its_request(town: Town, client: Client, api_key: str) -> None:
    created = file(client, api_key)
    token = created["token"]
    rows = client.get(f"{BASE}tokens/{token}.json").json()
    assert rows == [{"service_request_id": created["service_request_id"], "token": token}]
    root = parse_xml(client.get(f"{BASE}tokens/{token}.xml").content)
    assert root.findtext("request/service_request_id") == created["service_request_id"]
    assert client.get(f"{BASE}tokens/NOSUCHTOKEN.json").status_code == 404


def test_a_post_answers_in_xml_too(town: Town, client: Client, api_key: str) -> None:
    response = post(
        client,
        "xml",
        api_key=api_key,
        service_code="roads",
        description="路面塌陷一个大坑",
        address_string="上杉市村",
    )
    assert response.status_code == 201
    root = parse_xml(response.content)
    pk = root.findtext("request/service_request_id")
    assert Case.objects.get(pk=pk).place == town.village_b
    assert root.findtext("request/token") == Case.objects.get(pk=pk).code


def test_the_apikey_command_prints_a_key_once_and_stores_its_hash(
    town: Town, client: Client
) -> None:
    out = io.StringIO()
    call_command("apikey", "create", "12345热线", "--town", JUR, stdout=out)
    raw = out.getvalue().strip()
    key = ApiKey.objects.get(name="12345热线")
    assert len(raw) >= 40 and key.town == town.town
    assert raw not in (key.key_hash, key.prefix) and key.key_hash != raw
    file(client, raw)
    listing = io.StringIO()
    call_command("apikey", "list", stdout=listing)
    assert "12345热线" in listing.getvalue() and raw not in listing.getvalue()
    call_command("apikey", "revoke", "12345热线", stdout=io.StringIO())
    assert post(client, api_key=raw, service_code="roads").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_plain_http_client_lists_posts_and_fetches(live_server: Any) -> None:
    import json
    import urllib.error
    import urllib.parse
    import urllib.request

    from grassroots.open311.services import apikey_create
    from grassroots.testing import build_town

    town = build_town()
    _key, raw = apikey_create(actor=town.root, name="client", town=town.town)
    base = live_server.url + BASE

    def get(path: str) -> Any:
        with urllib.request.urlopen(base + path) as r:  # noqa: S310 - our live server
            return r.read()

    services = json.loads(get(f"services.json?jurisdiction_id={JUR}"))
    assert "roads" in {s["service_code"] for s in services}
    body = urllib.parse.urlencode(
        {
            "jurisdiction_id": JUR,
            "api_key": raw,
            "service_code": "roads",
            "description": "桥面有裂缝",
            "address_string": "明月村二组",
        }
    ).encode()
    with urllib.request.urlopen(base + "requests.json", data=body) as r:  # noqa: S310
        assert r.status == 201
        created = json.loads(r.read())[0]
    pk = created["service_request_id"]
    root = parse_xml(get(f"requests.xml?jurisdiction_id={JUR}"))
    assert pk in [e.text for e in root.iter("service_request_id")]
    assert json.loads(get(f"requests/{pk}.json"))[0]["address"] == "明月村二组"
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(  # noqa: S310
            base + "requests.json",
            data=urllib.parse.urlencode({"service_code": "roads"}).encode(),
        )
    assert exc.value.code == 400
    assert json.loads(exc.value.read())[0]["code"] == 400


def test_the_admin_creates_a_key_and_shows_it_once(town: Town) -> None:
    admin = Client()
    admin.force_login(town.root)
    response = admin.post(
        "/admin/open311/apikey/add/", {"name": "网格通", "town": town.town.pk}, follow=True
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(name="网格通")
    [message] = [str(m) for m in response.context["messages"] if key.prefix in str(m)]
    raw = next(word for word in message.replace("，", " ").split() if word.startswith(key.prefix))
    client = Client()
    file(client, raw)
    assert ApiKey.objects.get(pk=key.pk).last_used_at is not None
