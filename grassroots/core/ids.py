"""Ids as every route, filter and body reads them: whole numbers from 1 to 2**63 - 1.

A database id is a signed 64-bit integer. Django's `int` path converter, a
`NumberFilter` (a Decimal) or a bare `IntegerField` pass 99999999999999999999 on
to the database driver, which raises OverflowError (a 500). Here the bound is
stated once: the `id` path converter (registered by `CoreConfig.ready`, used by
every `<id:pk>` route) answers 404 past it, `IdFilter` and `id_field` answer 400.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from rest_framework import serializers

MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value: Any) -> int | None:
    """The id a path or query string carries, or None when it cannot be one."""
    text = str(value)
    if not _DIGITS.fullmatch(text):  # str.isdigit() also passes "²", which int() refuses
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdConverter:
    """`<id:pk>`: 1 to 19 digits and at most MAX_ID; anything else matches no route (404)."""

    regex = _DIGITS.pattern

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the resolver treats it as no match
        return number

    def to_url(self, value: Any) -> str:
        return str(value)


class IdFormField(forms.IntegerField):
    """A form (and filter) field for an id: a whole number in 1..MAX_ID."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdFilter(django_filters.NumberFilter):
    """A filter on an id: out of range or not a whole number is a form error (400 on the API)."""

    field_class = IdFormField


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """A body field holding an id (or a count that must fit the same column)."""
    kwargs.setdefault("min_value", 1)
    kwargs.setdefault("max_value", MAX_ID)
    return serializers.IntegerField(**kwargs)


class IdModelChoiceField(forms.ModelChoiceField):
    """A choice of a row by id: a value that cannot be an id is "not one of the choices"
    (Django would hand 99999999999999999999 to the driver: OverflowError on SQLite)."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and parse_id(value) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several rows by id, each bounded like `IdModelChoiceField`."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class IdModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter on a related row chosen by id (a select), bounded like `IdModelChoiceField`."""

    field_class = IdModelChoiceField
