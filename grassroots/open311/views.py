"""Open311 GeoReport v2 endpoints: thin parsing around selectors and `request_submit`.

Everything answers in JSON or XML by the URL's extension; errors are the spec's
list of {code, description}.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.cases.models import Priority
from grassroots.core import clock
from grassroots.grid.models import Place
from grassroots.open311 import selectors, services
from grassroots.open311.geo import public_position
from grassroots.open311.render import errors, iso, respond

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-01-01T00:00:00+08:00"


def _town(request: HttpRequest, fmt: str) -> Place | HttpResponse:
    code = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    town = selectors.jurisdiction(code)
    if town is not None:
        return town
    if code:
        return errors(fmt, 404, _("jurisdiction_id provided was not found"))
    return errors(fmt, 400, _("jurisdiction_id was not provided"))


def _key(request: HttpRequest, town: Place) -> Any:
    key = services.apikey_check(request.GET.get("api_key") or request.POST.get("api_key", ""))
    if key is not None and key.town_id not in (None, town.pk):
        return None
    return key


def _exact(key: Any) -> bool:
    """Exact positions of household cases only for a key explicitly allowed them."""
    return bool(key is not None and key.exact_locations)


@require_GET
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", args=["json"]))
    root = base.rsplit("discovery.json", 1)[0]
    data = {
        "changeset": CHANGESET,
        "contact": _("Contact the town's party and mass service centre."),
        "key_service": _("API keys are issued by the town administrator."),
        "endpoints": [
            {
                "specification": SPEC,
                "url": root.rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", data)


def _service(category: Any) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.name,
        "metadata": True,
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.parent.name if category.parent_id else category.name,
    }


@require_GET
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    town = _town(request, fmt)
    if isinstance(town, HttpResponse):
        return town
    return respond(fmt, "services", [_service(c) for c in selectors.categories()])


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    town = _town(request, fmt)
    if isinstance(town, HttpResponse):
        return town
    category = selectors.category(code)
    if category is None:
        return errors(fmt, 404, _("service_code provided was not found"))
    data = {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": "priority",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "",
                "order": 1,
                "description": _("Priority"),
                "values": [{"key": value, "name": str(label)} for value, label in Priority.choices],
            },
            {
                "variable": True,
                "code": "affected_households",
                "datatype": "number",
                "required": False,
                "datatype_description": _("How many households are affected"),
                "order": 2,
                "description": _("Affected households"),
            },
        ],
    }
    return respond(fmt, "service_definition", data)


def _status_notes(case: Any, detailed: bool) -> str:
    label = str(case.get_status_display())
    if case.closure:
        label = f"{label}: {case.get_closure_display()}"
    if detailed:
        note = case.reply or case.rejection_reason
        if note:
            return f"{label}. {note}"
    return label


def _request_row(
    case: Any, detailed: bool, addresses: dict[str, str], exact: bool = False
) -> dict[str, Any]:
    agency = case.handler_place or case.owner_place
    position = public_position(case, exact=exact)
    return {
        "service_request_id": str(case.pk),
        "status": case.public_status,
        "status_notes": _status_notes(case, detailed),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": case.text if detailed else "",
        "agency_responsible": agency.name if agency else "",
        "service_notice": "",
        "requested_datetime": iso(case.submitted_at),
        "updated_datetime": iso(case.updated_at),
        "expected_datetime": iso(case.resolve_due_at),
        "address": addresses.get(case.place_path, ""),
        "address_id": "",
        "zipcode": "",
        "lat": _degrees(position[0] if position else None),
        "long": _degrees(position[1] if position else None),
        "media_url": case.media_url,
    }


def _degrees(value: Any) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _parse_date(value: str | None) -> dt.datetime | None | bool:
    """A datetime, None when absent, False when unreadable."""
    if not value:
        return None
    parsed = parse_datetime(value.strip().replace(" ", "+"))
    return parsed if parsed is not None and parsed.tzinfo is not None else False


def _list_requests(request: HttpRequest, town: Place, fmt: str) -> HttpResponse:
    q = request.GET
    start, end = _parse_date(q.get("start_date")), _parse_date(q.get("end_date"))
    if start is False or end is False:
        return errors(fmt, 400, _("Dates must be ISO 8601 with a time zone offset."))
    statuses = [s for s in q.get("status", "").split(",") if s.strip()]
    if any(s not in ("open", "closed") for s in statuses):
        return errors(fmt, 400, _("status must be open or closed"))
    ids = q.get("service_request_id")
    key = _key(request, town)
    detailed = key is not None
    cases = selectors.requests_for(
        town,
        detailed=detailed,
        ids=[i.strip() for i in ids.split(",") if i.strip()] if ids else None,
        service_codes=[c for c in q.get("service_code", "").split(",") if c.strip()],
        start=start,
        end=end,
        statuses=statuses,
        now=clock.now(),
    )
    addresses = selectors.place_names(cases, town)
    exact = _exact(key)
    rows = [_request_row(c, detailed, addresses, exact) for c in cases]
    return respond(fmt, "service_requests", rows)


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, min(int(value or default), 10000))
    except ValueError:
        return default


def _create_request(request: HttpRequest, town: Place, fmt: str) -> HttpResponse:
    p = request.POST
    raw_key = p.get("api_key", "")
    if not raw_key:
        return errors(fmt, 400, _("api_key was not provided"))
    key = services.apikey_check(raw_key)
    if key is None or key.town_id not in (None, town.pk):
        return errors(fmt, 403, _("api_key is not valid for this jurisdiction"))
    if services.rate_limited(key):
        return errors(fmt, 429, _("Too many requests with this api_key; try again in a minute."))
    code = p.get("service_code", "").strip()
    if not code:
        return errors(fmt, 400, _("service_code was not provided"))
    category = selectors.category(code)
    if category is None:
        return errors(fmt, 404, _("service_code provided was not found"))
    where = _where(p, town, fmt)
    if isinstance(where, HttpResponse):
        return where
    place, household, lat, long, address_string = where
    priority = p.get("attribute[priority]") or None
    if priority is not None and priority not in Priority.values:
        return errors(fmt, 400, _("attribute[priority] is not one of the listed values"))
    # Coordinates are stored on the case; the address as the resident gave it
    # goes into the text, where the dispatcher reads it.
    location = address_string
    new = services.NewRequest(
        service_code=code,
        description=p.get("description", ""),
        town=town,
        place=place,
        household=household,
        priority=priority,
        affected_households=_int(p.get("attribute[affected_households]"), 1),
        reporter_name=f"{p.get('last_name', '')}{p.get('first_name', '')}".strip(),
        reporter_phone=p.get("phone", "").strip(),
        location_note=location,
        latitude=lat,
        longitude=long,
        media_url=p.get("media_url", "").strip(),
    )
    try:
        case = services.request_submit(actor=key, request=new, category=category)
        similar = selectors.similar_requests(case)
    except ValidationError as exc:
        messages = [str(m) for m in exc.messages] or [_("The request is not valid.")]
        return errors(fmt, 400, *messages)
    except PermissionDenied as exc:
        return errors(fmt, 403, str(exc))
    track = request.build_absolute_uri(reverse("cases:track", args=[case.code]))
    data = [
        {
            "service_request_id": str(case.pk),
            "token": case.code,
            "service_notice": _notice(track, similar),
            "account_id": p.get("account_id", ""),
        }
    ]
    return respond(fmt, "service_requests", data, status=201)


def _where(p: Any, town: Place, fmt: str) -> tuple[Any, Any, str, str, str] | HttpResponse:
    """The place, household and position of a POST, or the spec error refusing them.

    A request outside the town (an address naming none of its villages, a
    position beyond the positions known in it) is refused, never filed at
    town level.
    """
    lat, long = p.get("lat", "").strip(), p.get("long", "").strip()
    address_id = p.get("address_id", "").strip()
    address_string = p.get("address_string", "").strip()
    if not (address_id or address_string or (lat and long)):
        return errors(
            fmt, 400, _("A location is required: lat and long, address_string or address_id.")
        )
    if lat or long:
        try:
            if not (-90 <= float(lat) <= 90 and -180 <= float(long) <= 180):
                raise ValueError
        except ValueError:
            return errors(fmt, 400, _("lat and long must be WGS84 decimal degrees."))
    place, household = selectors.place_by_address(town, address_id, address_string)
    if place is None and address_id:
        return errors(fmt, 404, _("address_id provided was not found"))
    if place is None:
        return errors(
            fmt,
            400,
            _(
                "address_string names no village or community of %(town)s: "
                "give one of their names, or address_id."
            )
            % {"town": town.name},
        )
    if lat and not _inside(town, Decimal(lat), Decimal(long)):
        return errors(
            fmt,
            400,
            _("lat and long are outside %(town)s: nothing was filed.") % {"town": town.name},
        )
    return place, household, lat, long, address_string


def _inside(town: Place, lat: Decimal, long: Decimal) -> bool:
    extent = selectors.town_extent(town)
    if extent is None:
        return True  # no position known in the town yet: the address decides
    south, north, west, east = extent
    return south <= lat <= north and west <= long <= east


def _notice(track: str, similar: list[Any]) -> str:
    """The request's notice; the similar open requests' ids when there are some."""
    notice = _("Keep the token: it is the tracking code of this request. Progress: %(url)s") % {
        "url": track
    }
    if similar:
        ids = ", ".join(str(s.case.pk) for s in similar)
        notice += " " + _(
            "Similar open requests in the same village (service_request_id): %(ids)s."
        ) % {"ids": ids}
    return notice


@csrf_exempt  # machine clients authenticate with api_key, not a session
@require_http_methods(["GET", "POST"])
def requests_endpoint(request: HttpRequest, fmt: str) -> HttpResponse:
    town = _town(request, fmt)
    if isinstance(town, HttpResponse):
        return town
    if request.method == "POST":
        return _create_request(request, town, fmt)
    return _list_requests(request, town, fmt)


@require_GET
def request_detail(request: HttpRequest, pk: str, fmt: str) -> HttpResponse:
    town = _town(request, fmt)
    if isinstance(town, HttpResponse):
        return town
    key = _key(request, town)
    case = selectors.request_by_id(town, pk, detailed=key is not None)
    if case is None:
        return errors(fmt, 404, _("service_request_id provided was not found"))
    addresses = selectors.place_names([case], town)
    row = _request_row(case, key is not None, addresses, _exact(key))
    return respond(fmt, "service_requests", [row])


@require_GET
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    town = _town(request, fmt)
    if isinstance(town, HttpResponse):
        return town
    case = selectors.request_by_token(town, token)
    if case is None:
        return errors(fmt, 404, _("token provided was not found"))
    return respond(
        fmt, "service_requests", [{"service_request_id": str(case.pk), "token": case.code}]
    )
