"""JSON bodies read with bounds: a size cap (413, answered as JSON) and a depth cap (400).

DRF's own parser hands the body to `json.load`, which raises RecursionError (a 500)
on 5,000 nested brackets. `BoundedJSONParser` is DRF's default parser (settings);
`load_json` serves the paths that read a body without DRF (the fast intake). This
module imports no DRF view: DRF imports it while it builds its `APIView`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer

# No body the API takes nests deeper than a few levels; 5,000 levels made the
# decoder raise RecursionError (a 500).
MAX_JSON_DEPTH = 32


class BodyTooLarge(APIException):
    status_code = 413
    default_code = "too_large"


def _depth(text: str) -> int:
    """How deeply arrays and objects nest (brackets inside strings do not count)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def load_json(data: bytes | str) -> Any:
    """Parse a JSON body: ParseError (400) when it is not JSON or nests past MAX_JSON_DEPTH."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    # Counting brackets is cheap; the exact depth is measured only for a body with many.
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and _depth(text) > MAX_JSON_DEPTH:
        raise ParseError(_("JSON nested deeper than %(max)s levels.") % {"max": MAX_JSON_DEPTH})
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ParseError(_("The body is not valid JSON.")) from exc


class BoundedJSONParser(BaseParser):
    """JSON with a size cap (413, as JSON) and a depth cap (400).

    Not a subclass of DRF's JSONParser on purpose: DRF reads `request.body` for
    those first, where Django's own size check raises RequestDataTooBig, which
    DRF does not handle (an HTML 400). This parser gets the unread stream.
    """

    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        data = stream.read(limit + 1) if limit else stream.read()
        if limit and len(data) > limit:
            raise BodyTooLarge(_("The body is larger than %(max)s bytes.") % {"max": f"{limit:,}"})
        try:
            return load_json(data)
        except UnicodeDecodeError as exc:
            raise ParseError(_("The body is not valid JSON.")) from exc
