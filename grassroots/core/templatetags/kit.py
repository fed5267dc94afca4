"""Template tags of the kit: built into every project template (settings TEMPLATES builtins);
the forms renderer's own engine loads them with `{% load kit %}`.

- `{% action "log_visit" %}`: the one label of an action (core.glossary).
- `{% place_name "households" %}`: the one name of a destination.
- `{% kit_widget field %}`: a bound field's widget with the right type, keyboard and
  accessibility attributes (used by `<c-field>`; see core/ui/forms.py).
- `{{ value|kit_attr:"name" }}`: an attribute of an object, for components.
- Readable figures (UI.md "Readable numbers"): `{{ n|count }}` → 6,896; `{{ share|percent }}`
  (0–100) and `{{ rate|rate }}` (0–1) → 66.7%; `{{ days|days_ago }}` → 今天 / 昨天 / 3 天前.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.forms import BoundField
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.core.glossary import ACTIONS, PLACES
from grassroots.core.ui.forms import render_widget, unsuffixed

register = template.Library()


@register.simple_tag
def action(key: str) -> Any:
    return ACTIONS[key]


@register.simple_tag
def place_name(key: str) -> Any:
    return PLACES[key]


@register.simple_tag
def kit_widget(field: BoundField, extra_class: str = "") -> SafeString:
    return render_widget(field, extra_class)


@register.simple_tag
def kit_label(label: Any, field: BoundField) -> Any:
    return unsuffixed(label, field)


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters changed (paging keeps the filters)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else None
    if params is None:
        return "?" + "&".join(f"{k}={v}" for k, v in changes.items())
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def block_text(context: Any, name: str) -> SafeString:
    """The text of a block of the page being rendered, wherever it is needed again.

    base.html shows the `title` block both in <title> and in the top bar, and reads the
    `back` block (a URL) to decide whether to draw a back arrow; Django allows each block
    tag only once, so the second use renders the most derived definition through this tag.
    """
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = blocks.get_block(name) if blocks is not None else None
    if block is None:
        return SafeString("")
    with context.push(block=block):
        # Already rendered (and escaped) template output.
        return SafeString(str(block.nodelist.render(context)).strip())


# --- readable figures ----------------------------------------------------------------------

UNKNOWN = "–"


@register.filter
def count(value: Any) -> str:
    """A count with thousands separators (6,896), or – when unknown."""
    if value is None or value == "":
        return UNKNOWN
    return intcomma(int(value), use_l10n=False)


@register.filter
def percent(value: Any) -> str:
    """A share on 0–100 as a percentage with one decimal (66.7%), or – when unknown."""
    if value is None or value == "":
        return UNKNOWN
    return f"{float(value):.1f}%"


@register.filter
def rate(value: Any) -> str:
    """A rate on 0–1 as a percentage with one decimal (0.6667 → 66.7%), or – when unknown."""
    if value is None or value == "":
        return UNKNOWN
    return percent(float(value) * 100)


@register.filter
def days_ago(days: int | None) -> str:
    """今天 / 昨天 / 3 天前 from a number of days (empty for None)."""
    if days is None:
        return ""
    if days <= 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    return ngettext("%(n)s day ago", "%(n)s days ago", days) % {"n": days}
