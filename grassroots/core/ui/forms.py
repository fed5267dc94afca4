"""Forms the kit's way: labels above without a doubled ":" suffix, help, inline errors, and
widgets that bring up the right keyboard (UI.md "Shape").

`FormRenderer` is the project's FORM_RENDERER: `{{ form }}` and `{{ field.as_field_group }}`
render each field through cotton/field's markup twin `forms/kit_field.html`. `render_widget`
is what `<c-field>` calls: a phone field is `type=tel`, a number `inputmode=numeric`, a date
`type=date` with an ISO value, and errors and help are tied to the input (aria).
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.forms import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeString

PHONE_HINTS = ("phone", "mobile", "tel")


class FormRenderer(DjangoTemplates):
    field_template_name = "forms/kit_field.html"


def _is_phone(field: BoundField) -> bool:
    name = field.name.lower()
    return any(hint in name for hint in PHONE_HINTS)


def widget_attrs(field: BoundField, extra_class: str = "") -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    widget = field.field.widget
    form_field = field.field
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{field.auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if isinstance(widget, forms.TextInput) and _is_phone(field):
        attrs.update({"inputmode": "tel", "autocomplete": "tel"})
    elif isinstance(form_field, forms.IntegerField) and not widget.is_hidden:
        attrs.setdefault("inputmode", "numeric")
    elif isinstance(form_field, forms.DecimalField | forms.FloatField) and not widget.is_hidden:
        attrs.setdefault("inputmode", "decimal")
    if extra_class:
        attrs["class"] = " ".join(filter(None, [widget.attrs.get("class", ""), extra_class]))
    return attrs


def kit_widget(field: BoundField) -> forms.Widget | None:
    """A copy of the widget with the right input type, or None to keep it as it is."""
    widget = field.field.widget
    if type(widget) is forms.TextInput and _is_phone(field):
        changed = copy.deepcopy(widget)
        changed.input_type = "tel"
        return changed
    if type(widget) is forms.DateInput:
        changed = copy.deepcopy(widget)
        changed.input_type = "date"
        changed.format = "%Y-%m-%d"
        return changed
    if type(widget) is forms.DateTimeInput:
        changed = copy.deepcopy(widget)
        changed.input_type = "datetime-local"
        changed.format = "%Y-%m-%dT%H:%M"
        return changed
    return None


def render_widget(field: BoundField, extra_class: str = "") -> SafeString:
    return SafeString(
        field.as_widget(widget=kit_widget(field), attrs=widget_attrs(field, extra_class))
    )
