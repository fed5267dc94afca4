"""Public outputs never pinpoint a home (issue #9, point 3).

A case a representative filed at a household carries the position of the home.
Every output a stranger can read (Open311 JSON and XML: list, one request,
token; the public board; the tracking page) shows at most a coarse grid cell,
never the case's exact coordinates nor the household's. A keyed client gets the
same unless its key was explicitly allowed exact locations.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.test import Client

from grassroots.cases import services as case_services
from grassroots.cases.models import Case, Category, Channel
from grassroots.grid.models import Household
from grassroots.open311 import services
from grassroots.open311.geo import COARSE_DEGREES, public_position
from grassroots.testing import Town

# Deliberately many decimals, so that any leak of them shows in a response body.
HOME = (Decimal("28.193417"), Decimal("112.981243"))


def _home_case(town: Town) -> Case:
    Household.objects.filter(pk=town.household_b1.pk).update(latitude=HOME[0], longitude=HOME[1])
    return case_services.case_submit(
        actor=town.rita,
        text="门前排水沟堵塞，污水漫进院子",
        category=Category.objects.get(code="roads-repair"),
        household=town.household_b1,
        channel=Channel.VISIT,
        latitude=HOME[0],
        longitude=HOME[1],
        location_accuracy_m=8,
    )


def _leaks(body: str) -> list[str]:
    """Every rendering of the exact position that appears in the body."""
    found = []
    for value in HOME:
        text = format(value, "f")
        for shown in {text, text.rstrip("0"), text[:-1], text[:-2]}:
            if shown in body:
                found.append(shown)
    return found


def _public_bodies(client: Client, town: Town, case: Case, **extra: str) -> dict[str, str]:
    code = town.town.code
    params = {"jurisdiction_id": code, **extra}
    bodies = {}
    for fmt in ("json", "xml"):
        bodies[f"list.{fmt}"] = client.get(f"/open311/v2/requests.{fmt}", params)
        bodies[f"one.{fmt}"] = client.get(f"/open311/v2/requests/{case.pk}.{fmt}", params)
        bodies[f"ids.{fmt}"] = client.get(
            f"/open311/v2/requests.{fmt}", {**params, "service_request_id": str(case.pk)}
        )
        bodies[f"token.{fmt}"] = client.get(f"/open311/v2/tokens/{case.code}.{fmt}", params)
    bodies["board"] = client.get(f"/cases/public/{town.group_b1.pk}/")
    bodies["board-village"] = client.get(f"/cases/public/{town.village_b.pk}/")
    bodies["index"] = client.get("/cases/public/")
    bodies["track"] = client.get(f"/cases/track/{case.code}/")
    return {name: r.content.decode() for name, r in bodies.items() if r.status_code == 200}


def test_no_public_output_pinpoints_the_home_of_a_household_case(
    town: Town, client: Client
) -> None:
    case = _home_case(town)
    bodies = _public_bodies(client, town, case)
    # The case is public and shows up: the listing would leak if it could.
    assert str(case.pk) in bodies["list.json"] and str(case.pk) in bodies["one.xml"]
    assert {"list.json", "one.json", "token.json", "track"} <= bodies.keys()
    assert {name: _leaks(body) for name, body in bodies.items() if _leaks(body)} == {}


def test_a_keyed_client_gets_the_coarse_cell_unless_its_key_allows_exact_positions(
    town: Town, client: Client
) -> None:
    case = _home_case(town)
    _key, raw = services.apikey_create(actor=town.root, name="热线", town=town.town)
    keyed = _public_bodies(client, town, case, api_key=raw)
    assert {name: _leaks(body) for name, body in keyed.items() if _leaks(body)} == {}
    [row] = client.get(
        f"/open311/v2/requests/{case.pk}.json",
        {"jurisdiction_id": town.town.code, "api_key": raw},
    ).json()
    lat, long = Decimal(row["lat"]), Decimal(row["long"])
    assert abs(lat - HOME[0]) <= COARSE_DEGREES and abs(long - HOME[1]) <= COARSE_DEGREES
    assert (lat / COARSE_DEGREES) % 1 == Decimal("0.5")  # the centre of a grid cell
    _key, exact = services.apikey_create(
        actor=town.root, name="应急", town=town.town, exact_locations=True
    )
    [row] = client.get(
        f"/open311/v2/requests/{case.pk}.json",
        {"jurisdiction_id": town.town.code, "api_key": exact},
    ).json()
    assert (Decimal(row["lat"]), Decimal(row["long"])) == HOME


def test_a_cell_centre_that_would_fall_on_the_home_is_withheld(town: Town) -> None:
    case = _home_case(town)
    centre = Decimal("28.195"), Decimal("112.985")
    Household.objects.filter(pk=town.household_b1.pk).update(
        latitude=centre[0], longitude=centre[1]
    )
    case.refresh_from_db()
    assert public_position(case, exact=False) is None
    assert public_position(case, exact=True) == HOME


def test_a_case_without_household_keeps_its_position_and_none_stays_none(town: Town) -> None:
    road = case_services.case_submit(
        actor=None,
        text="村口路灯坏了三天",
        category=Category.objects.get(code="roads-repair"),
        place=town.group_a1,
        channel=Channel.SELF_SERVICE,
        latitude=Decimal("28.2"),
        longitude=Decimal("112.9"),
    )
    assert public_position(road, exact=False) == (Decimal("28.2"), Decimal("112.9"))
    nowhere = case_services.case_submit(
        actor=None,
        text="村口路灯坏了三天",
        category=Category.objects.get(code="roads-repair"),
        place=town.group_a1,
        channel=Channel.SELF_SERVICE,
    )
    assert public_position(nowhere, exact=False) is None


def test_the_coarse_grid_is_at_least_five_thousandths_of_a_degree() -> None:
    assert Decimal("0.005") <= COARSE_DEGREES
    assert re.fullmatch(r"0\.0\d+", str(COARSE_DEGREES))


def test_the_apikey_command_can_allow_exact_locations(town: Town) -> None:
    from django.core.management import call_command

    from grassroots.open311.models import ApiKey

    call_command("apikey", "create", "救援", "--exact-locations", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ApiKey.objects.get(name="救援").exact_locations is True
    call_command("apikey", "create", "普通", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ApiKey.objects.get(name="普通").exact_locations is False
