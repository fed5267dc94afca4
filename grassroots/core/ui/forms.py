"""Forms the kit's way: labels above without a doubled ":" suffix, help, inline errors, and
widgets that bring up the right keyboard (UI.md "Shape").

`FormRenderer` is the project's FORM_RENDERER: `{{ form }}` and `{{ field.as_field_group }}`
render each field through `forms/kit_field.html` (the markup of `<c-field>`), and
`{{ field.label_tag }}` loses Django's ":" suffix (no "？:" doubled punctuation). `render_widget`
is what `<c-field>` calls: a phone field is `type=tel`, a number `inputmode=numeric`, a date
`type=date` with an ISO value, and errors and help are tied to the input (aria).
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.forms import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

PHONE_HINTS = ("phone", "mobile", "tel")


class FormRenderer(DjangoTemplates):
    field_template_name = "forms/kit_field.html"

    def get_template(self, template_name: str) -> Any:
        # `field.label_tag` (templates not yet on the kit) without the ":" suffix either.
        if template_name == "django/forms/label.html":
            template_name = "forms/kit_label.html"
        return super().get_template(template_name)


def unsuffixed(label: Any, field: BoundField) -> Any:
    """The label Django suffixed with ":" (or its translation), without the suffix."""
    text = str(label)
    plain = str(conditional_escape(field.label or ""))
    suffixes = {":", "：", str(field.form.label_suffix or "")}
    if plain and text.startswith(plain) and text[len(plain) :] in suffixes - {""}:
        return SafeString(plain)
    return label


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
    # Decimal and float first: Django's DecimalField and FloatField subclass IntegerField.
    elif isinstance(form_field, forms.DecimalField | forms.FloatField) and not widget.is_hidden:
        attrs.setdefault("inputmode", "decimal")
    elif isinstance(form_field, forms.IntegerField) and not widget.is_hidden:
        attrs.setdefault("inputmode", "numeric")
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
