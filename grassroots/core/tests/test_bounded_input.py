"""The bounds every route, filter and body shares: ids (core.ids) and JSON (core.parsers)."""

from __future__ import annotations

import io

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from rest_framework.exceptions import ParseError

from grassroots.core.ids import MAX_ID, IdConverter, IdFormField, parse_id
from grassroots.core.parsers import MAX_JSON_DEPTH, BodyTooLarge, BoundedJSONParser, load_json


def every_pattern(resolver: URLResolver | None = None) -> list[URLPattern | URLResolver]:
    found: list[URLPattern | URLResolver] = []
    for entry in (resolver or get_resolver()).url_patterns:
        found.append(entry)
        if isinstance(entry, URLResolver):
            found.extend(every_pattern(entry))
    return found


def test_no_route_reads_an_id_through_djangos_unbounded_int_converter() -> None:
    offenders = [
        str(p.pattern)
        for p in every_pattern()
        if any(isinstance(c, IntConverter) for c in getattr(p.pattern, "converters", {}).values())
    ]
    assert offenders == [], "use <id:...> (core.ids.IdConverter), not <int:...>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", 1), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("0", None), ("-1", None)]
    + [("²", None), ("1.0", None), ("", None), (" 1", None), ("9" * 30, None)],
)
def test_parse_id_takes_whole_numbers_in_the_id_range_only(text: str, expected: int | None) -> None:
    assert parse_id(text) == expected


def test_the_id_converter_refuses_what_parse_id_refuses() -> None:
    converter = IdConverter()
    assert converter.to_python("42") == 42 and converter.to_url(42) == "42"
    with pytest.raises(ValueError):
        converter.to_python(str(MAX_ID + 1))


def test_the_id_form_field_bounds_its_value() -> None:
    field = IdFormField(required=False)
    assert field.clean("7") == 7
    for bad in ("0", str(MAX_ID + 1), "abc"):
        with pytest.raises(Exception, match="."):
            field.clean(bad)


def test_json_deeper_than_the_cap_is_a_parse_error_but_brackets_in_strings_do_not_count() -> None:
    with pytest.raises(ParseError):
        load_json("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))
    text = '{"note": "' + "[{" * 200 + '\\"]"}'
    assert load_json(text.encode())["note"].startswith("[{")
    assert load_json("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) == load_json(
        "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    )


@pytest.mark.parametrize("body", [b"{", b"\xff\xfe", b"nul", b""])
def test_a_body_that_is_not_json_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        BoundedJSONParser().parse(io.BytesIO(body))


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100)
def test_a_body_past_the_upload_limit_is_413() -> None:
    with pytest.raises(BodyTooLarge) as raised:
        BoundedJSONParser().parse(io.BytesIO(b'{"a": "' + b"x" * 200 + b'"}'))
    assert raised.value.status_code == 413
    assert BoundedJSONParser().parse(io.BytesIO(b'{"a": 1}')) == {"a": 1}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=None)
def test_without_an_upload_limit_the_parser_reads_everything() -> None:
    assert BoundedJSONParser().parse(io.BytesIO(b"[1, 2]")) == [1, 2]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
@pytest.mark.parametrize("url", ["/api/case-intake/", "/api/cases/", "/api/households/"])
def test_an_oversized_api_body_is_answered_as_json_413(
    town: object, api_for: object, url: str
) -> None:
    api = api_for("sam")  # type: ignore[operator]
    response = api.post(url, '{"text": "' + "x" * 5000 + '"}', content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
