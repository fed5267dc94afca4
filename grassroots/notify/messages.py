"""Notice messages: a key and parameters are stored, the words are chosen at read time.

A notice never stores a translated sentence. It stores a message key (say
`case.assigned`) and JSON parameters (ids, codes, names, numbers, times), and
is rendered when it is read: in the reader's active language on the web and
in the API, in the recipient's chosen language (default Simplified Chinese)
for e-mail, robots and SMS.

The apps that send notices define their messages where they live and register
them here (`register(...)` at import time of their `notices.py`, which
`NotifyConfig.ready()` discovers), so notify knows no app above it. A row whose
key is unknown or whose parameters no longer fit its template falls back to the
text stored with it (the notices written before this registry existed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise

TIME_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Message:
    """One kind of notice: its key, its kind (for preferences and robots), its templates.

    `title` and `body` are lazy translations with `%(name)s` placeholders filled
    from the notice's parameters. Parameters named in `times` hold ISO date-times
    and are shown in the town's time zone.
    """

    key: str
    title: str | Promise
    body: str | Promise = ""
    kind: str = ""
    times: tuple[str, ...] = field(default=())
    label: str | Promise = ""  # what this kind of notice is, for the preferences page

    @property
    def notice_kind(self) -> str:
        return self.kind or self.key


REGISTRY: dict[str, Message] = {}


def register(
    key: str,
    title: str | Promise,
    body: str | Promise = "",
    *,
    kind: str = "",
    times: tuple[str, ...] = (),
    label: str | Promise = "",
) -> Message:
    """Register a message (idempotent for the same definition); return it."""
    message = Message(key=key, title=title, body=body, kind=kind, times=times, label=label)
    known = REGISTRY.get(key)
    if known is not None and known != message:
        raise ValueError(f"notice message {key!r} is already registered differently")
    REGISTRY[key] = message
    return message


def get(key: str) -> Message | None:
    return REGISTRY.get(key)


def kind_choices() -> list[tuple[str, str]]:
    """(kind, label) of every kind of notice with a label, in registration order."""
    seen: dict[str, str] = {}
    for message in REGISTRY.values():
        if message.label and message.notice_kind not in seen:
            seen[message.notice_kind] = str(message.label)
    return list(seen.items())


def json_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Parameters as JSON values: date-times become ISO strings, other values stay."""
    out: dict[str, Any] = {}
    for name, value in (params or {}).items():
        if isinstance(value, dt.datetime):
            out[name] = value.isoformat()
        elif isinstance(value, Promise):
            raise TypeError(f"parameter {name!r} is a translation: pass data, not words")
        elif value is None or isinstance(value, (str, int, float, bool)):
            out[name] = value
        else:
            out[name] = str(value)
    return out


def _shown(name: str, value: Any, message: Message) -> Any:
    if name in message.times and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, dt.UTC)
            return timezone.localtime(moment).strftime(TIME_FORMAT)
    return value


def _fill(template: str | Promise, values: Mapping[str, Any]) -> str:
    text = str(template)
    return text % values if values or "%(" in text else text


def render(
    key: str,
    params: Mapping[str, Any] | None,
    *,
    fallback_title: str = "",
    fallback_body: str = "",
    language: str | None = None,
) -> tuple[str, str]:
    """(title, body) of a notice in `language` (default: the active language)."""
    message = REGISTRY.get(key) if key else None
    if message is None:
        return fallback_title or key, fallback_body
    values = {name: _shown(name, v, message) for name, v in (params or {}).items()}
    with translation.override(language) if language else nullcontext():
        try:
            title = _fill(message.title, values)
            body = _fill(message.body, values) if message.body else ""
        except (KeyError, ValueError, TypeError):
            return fallback_title or key, fallback_body
    return title, body or fallback_body


def default_language() -> str:
    return settings.LANGUAGE_CODE


# --- what a group chat must not read ------------------------------------------------

# model label ("cases.case") -> the personal values of one of its rows (names, phones).
PERSONAL: dict[str, Callable[[Any], Iterable[str]]] = {}


def register_personal(model_label: str, values: Callable[[Any], Iterable[str]]) -> None:
    """Say which values of a `model_label` row are personal: robots' messages hide them.

    A robot posts into a group chat, so its message leaves out the notice's body
    and masks these values (and phone or ID numbers) wherever the title holds them.
    """
    PERSONAL[model_label] = values


def personal_values(obj: Any) -> list[str]:
    if obj is None:
        return []
    values = PERSONAL.get(obj._meta.label_lower)
    return [v for v in (values(obj) if values else ()) if v and v.strip()]
