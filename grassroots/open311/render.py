"""JSON and XML output in the shapes GeoReport v2 documents."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

# The element name for each member of a repeated XML list.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 with the local offset, e.g. 2026-03-02T17:00:00+08:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(parent: ET.Element, key: str, value: Any) -> None:
    if isinstance(value, list):
        container = ET.SubElement(parent, key)
        item_tag = ITEM_TAGS.get(key, "item")
        for item in value:
            if isinstance(item, dict):
                _dict_into(ET.SubElement(container, item_tag), item)
            else:
                ET.SubElement(container, item_tag).text = _text(item)
    elif isinstance(value, dict):
        _dict_into(ET.SubElement(parent, key), value)
    else:
        ET.SubElement(parent, key).text = _text(value)


def _dict_into(element: ET.Element, data: dict[str, Any]) -> None:
    for key, value in data.items():
        _fill(element, key, value)


def to_xml(root: str, data: Any) -> bytes:
    """A list becomes <root><item>…</item>…</root>; a dict becomes <root>…fields…</root>."""
    element = ET.Element(root)
    if isinstance(data, list):
        item_tag = ITEM_TAGS.get(root, "item")
        for item in data:
            _dict_into(ET.SubElement(element, item_tag), item)
    else:
        _dict_into(element, data)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")


def respond(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(
            to_xml(root, data), status=status, content_type="text/xml; charset=utf-8"
        )
    return HttpResponse(
        json.dumps(data, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    return respond(
        fmt, "errors", [{"code": status, "description": d} for d in descriptions], status=status
    )
