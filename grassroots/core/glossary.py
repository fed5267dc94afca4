"""One name per action and per destination, across the product (UI.md).

Templates say `{% action "log_visit" %}` (core/ui/kit_tags.py) or `<c-button action="log_visit">`;
Python code uses `ACTIONS["log_visit"]`. A page never spells an action's label itself, so
登记走访 is never also 保存走访. Destinations (`PLACES`) name the pages the navigation
leads to; apps register them with `core.nav`. Labels are lazy: they translate per request.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Promise] = {
    # field work
    "log_visit": _("Log a visit"),
    "report_need": _("Report a need"),
    "log_guidance": _("Log guidance"),
    "call_back": _("Call back"),
    # the case workflow
    "accept": _("Accept"),
    "assign": _("Assign"),
    "take": _("Take on"),
    "transfer": _("Transfer"),
    "reply": _("Reply"),
    "close": _("Close"),
    "reject": _("Reject"),
    "reopen": _("Reopen"),
    "return": _("Send back"),
    "supervise": _("Supervise"),
    "rate": _("Rate"),
    "me_too": _("Me too"),
    # residents
    "report_problem": _("Report a problem"),
    "track": _("Track my case"),
    "locate": _("Add my location"),
    # generic
    "save": _("Save"),
    "submit": _("Submit"),
    "cancel": _("Cancel"),
    "back": _("Back"),
    "edit": _("Edit"),
    "add": _("Add"),
    "delete": _("Delete"),
    "confirm": _("Confirm"),
    "export": _("Export"),
    "import": _("Import"),
    "download": _("Download"),
    "search": _("Search"),
    "filter": _("Filter"),
    "clear_filters": _("Clear filters"),
    "apply": _("Apply"),
    "more": _("More"),
    "load_more": _("Load more"),
    "copy": _("Copy"),
    "reveal": _("Show in full"),
    "mark_all_read": _("Mark all as read"),
    "log_in": _("Log in"),
    "log_out": _("Log out"),
    "choose": _("Choose"),
}

# The destinations the navigation leads to (core.nav), one name each.
PLACES: dict[str, Promise] = {
    "home": _("Home"),
    "grid": _("Grid"),
    "households": _("Households"),
    "my_households": _("My households"),
    "party": _("Party"),
    "my_branches": _("My branches"),
    "exchange": _("Import / export"),
    "cases": _("Cases"),
    "board": _("Supervision"),
    "measures": _("Measures"),
    "notices": _("Messages"),
    "back_office": _("Back office"),
    "styleguide": _("Component kit"),
    "me": _("Me"),
    "report": _("Report an issue"),
    "track": _("Track progress"),
    "public_board": _("Notice board"),
    "log_in": _("Log in"),
}

# The sidebar's groups, in order.
GROUPS: dict[str, Promise] = {
    "main": _("Overview"),
    "grid": _("Grid"),
    "party": _("Party building"),
    "cases": _("Residents’ cases"),
    "data": _("Data"),
    "residents": _("Resident services"),
    "account": _("Account"),
}


def action_label(key: str) -> Promise:
    """The one label of an action; an unknown key is a programming error (KeyError)."""
    return ACTIONS[key]
