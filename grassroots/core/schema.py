"""OpenAPI post-processing: document the error answers every operation can give.

drf-spectacular documents only the success of each operation; a client (or
schemathesis' status-code check) then meets 400, 401, 403, 404 and 429 as surprises.
Every operation may answer 401 (no or a bad token), 403 (no capability), 404 (an id in
the path or the body missing or out of reach: the same answer; a page past the last) and
429 (throttled); one that takes a body or query parameters 400. The descriptions are for developers
(like the rest of the schema), in English. The bodies are JSON objects whose shape
depends on the error (`detail`, or field → messages), so only their type is promised.
"""

from __future__ import annotations

from typing import Any

ERROR_BODY = {"application/json": {"schema": {"type": "object", "additionalProperties": True}}}
ALWAYS = {
    "401": "Not authenticated",
    "403": "Not allowed",
    "404": "Not found, out of reach (the same answer), or past the last page",
    "429": "Too many requests",
}
METHODS = ("get", "put", "patch", "post", "delete")


def _errors_of(path: str, method: str, operation: dict[str, Any]) -> dict[str, Any]:
    codes = dict(ALWAYS)
    if method in ("post", "put", "patch") or operation.get("parameters"):
        codes["400"] = "Invalid request"
    return codes


def document_errors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular POSTPROCESSING_HOOKS entry: add the error answers (never replace)."""
    for path, item in result.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for code, text in _errors_of(path, method, operation).items():
                responses.setdefault(code, {"description": text, "content": ERROR_BODY})
    return result
