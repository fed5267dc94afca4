"""One name per action and per destination, across the product (UI.md).

Templates say `{% action "log_visit" %}` (core/ui/kit_tags.py) or `<c-button action="log_visit">`;
Python code uses `ACTIONS["log_visit"]`. A page never spells an action's label itself, so
登记走访 is never also 保存走访. Destinations (`PLACES`) name the pages the navigation
leads to; apps register them with `core.nav`. Labels are lazy (they translate per request)
and carry a context, so that another catalogue's "Close" or "Filter" (Django's admin has
both) never changes the kit's wording.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

ACTIONS: dict[str, Promise] = {
    # field work
    "log_visit": pgettext_lazy("action", "Log a visit"),
    "report_need": pgettext_lazy("action", "Report a need"),
    "log_guidance": pgettext_lazy("action", "Log guidance"),
    "call_back": pgettext_lazy("action", "Call back"),
    # the case workflow
    "accept": pgettext_lazy("action", "Accept"),
    "assign": pgettext_lazy("action", "Assign"),
    "take": pgettext_lazy("action", "Take on"),
    "transfer": pgettext_lazy("action", "Transfer"),
    "reply": pgettext_lazy("action", "Reply"),
    "close": pgettext_lazy("action", "Close"),
    "reject": pgettext_lazy("action", "Reject"),
    "reopen": pgettext_lazy("action", "Reopen"),
    "return": pgettext_lazy("action", "Send back"),
    "supervise": pgettext_lazy("action", "Supervise"),
    "rate": pgettext_lazy("action", "Rate"),
    "me_too": pgettext_lazy("action", "Me too"),
    # residents
    "report_problem": pgettext_lazy("action", "Report a problem"),
    "track": pgettext_lazy("action", "Track my case"),
    "locate": pgettext_lazy("action", "Add my location"),
    # generic
    "save": pgettext_lazy("action", "Save"),
    "submit": pgettext_lazy("action", "Submit"),
    "cancel": pgettext_lazy("action", "Cancel"),
    "back": pgettext_lazy("action", "Back"),
    "edit": pgettext_lazy("action", "Edit"),
    "add": pgettext_lazy("action", "Add"),
    "delete": pgettext_lazy("action", "Delete"),
    "confirm": pgettext_lazy("action", "Confirm"),
    "export": pgettext_lazy("action", "Export"),
    "import": pgettext_lazy("action", "Import"),
    "download": pgettext_lazy("action", "Download"),
    "search": pgettext_lazy("action", "Search"),
    "filter": pgettext_lazy("action", "Filter"),
    "clear_filters": pgettext_lazy("action", "Clear filters"),
    "apply": pgettext_lazy("action", "Apply"),
    "more": pgettext_lazy("action", "More"),
    "load_more": pgettext_lazy("action", "Load more"),
    "copy": pgettext_lazy("action", "Copy"),
    "reveal": pgettext_lazy("action", "Show in full"),
    "mark_all_read": pgettext_lazy("action", "Mark all as read"),
    "log_in": pgettext_lazy("action", "Log in"),
    "log_out": pgettext_lazy("action", "Log out"),
    "choose": pgettext_lazy("action", "Choose"),
    # --- orglife (issue #11): this app's actions go between here and its end marker
    "record_meeting": pgettext_lazy("action", "Record a meeting"),
    # --- end orglife
    # --- alliances (issue #11): this app's actions go between here and its end marker
    "mark_done": pgettext_lazy("action", "Mark done"),
    "mark_open": pgettext_lazy("action", "Mark not done"),
    # --- end alliances
    # --- rectify (issue #11): this app's actions go between here and its end marker
    "register_rectification": pgettext_lazy("action", "Register an item"),
    "hand_over": pgettext_lazy("action", "Hand over"),
    "start_rectifying": pgettext_lazy("action", "Start rectifying"),
    "request_signoff": pgettext_lazy("action", "Request sign-off"),
    "start_review": pgettext_lazy("action", "Start review"),
    "sign_off": pgettext_lazy("action", "Approve and sign off"),
    "return_for_rework": pgettext_lazy("action", "Return for rework"),
    "rework": pgettext_lazy("action", "Rework"),
    "request_extension": pgettext_lazy("action", "Request an extension"),
    "approve_extension": pgettext_lazy("action", "Approve the extension"),
    "refuse_extension": pgettext_lazy("action", "Refuse the extension"),
    "print_ledger": pgettext_lazy("action", "Print the ledger"),
    # --- end rectify
    # --- inspections (issue #11): this app's actions go between here and its end marker
    "start_inspection": pgettext_lazy("action", "Start an inspection"),
    "score": pgettext_lazy("action", "Score"),
    "save_draft": pgettext_lazy("action", "Save draft"),
    "draw_sample": pgettext_lazy("action", "Draw the sample"),
    "apply_campaign": pgettext_lazy("action", "Apply for the title"),
    "review_application": pgettext_lazy("action", "Review"),
    "publish_notice": pgettext_lazy("action", "Publish for public notice"),
    "record_objection": pgettext_lazy("action", "Record an objection"),
    "decide_rating": pgettext_lazy("action", "Decide the rating"),
    "activate_set": pgettext_lazy("action", "Put in force"),
    "revise_set": pgettext_lazy("action", "Revise as a new version"),
    "acknowledge": pgettext_lazy("action", "Acknowledge"),
    "rectify_findings": pgettext_lazy("action", "Turn findings into rectification items"),
    # --- end inspections
    # --- duties (issue #11): this app's actions go between here and its end marker
    "tick_off": pgettext_lazy("action", "Done"),
    "undo": pgettext_lazy("action", "Undo"),
    "add_note": pgettext_lazy("action", "Add a note"),
    "publish": pgettext_lazy("action", "Publish"),
    "new_plan": pgettext_lazy("action", "New plan"),
    "add_item": pgettext_lazy("action", "Add an item"),
    "change_item": pgettext_lazy("action", "Change"),
    "retire_item": pgettext_lazy("action", "Retire"),
    "close_plan": pgettext_lazy("action", "End the plan"),
    # --- end duties
    # --- cadence (issue #11): this app's actions go between here and its end marker
    "download_xlsx": pgettext_lazy("action", "Download spreadsheet"),
    "print_pdf": pgettext_lazy("action", "Print"),
    # --- end cadence
    # --- trainings (issue #12): this app's actions go between here and its end marker
    "new_programme": pgettext_lazy("action", "New programme"),
    "open_programme": pgettext_lazy("action", "Open for enrolment"),
    "close_programme": pgettext_lazy("action", "Close the programme"),
    "lay_out": pgettext_lazy("action", "Lay out sessions"),
    "add_venues": pgettext_lazy("action", "Add venues per village"),
    "enrol_audience": pgettext_lazy("action", "Enrol the audience"),
    "new_session": pgettext_lazy("action", "New session"),
    "cancel_session": pgettext_lazy("action", "Cancel the session"),
    "excuse": pgettext_lazy("action", "Excuse"),
    "reinstate": pgettext_lazy("action", "Reinstate"),
    "enrol": pgettext_lazy("action", "Enrol"),
    "hold_makeup": pgettext_lazy("action", "Hold a make-up session"),
    "record_makeup": pgettext_lazy("action", "Record make-up attendance"),
    "lesson_home": pgettext_lazy("action", "Take the lesson home"),
    # --- end trainings
    # --- checkin (issue #12): this app's actions go between here and its end marker
    "check_in": pgettext_lazy("action", "Check in"),
    "check_in_for": pgettext_lazy("action", "Check in for them"),
    "venue_screen": pgettext_lazy("action", "Venue screen"),
    "hand_check_in": pgettext_lazy("action", "Check in by hand"),
    "study_online": pgettext_lazy("action", "Study online"),
    # --- end checkin
    # --- sites (issue #12): this app's actions go between here and its end marker
    "new_site_project": pgettext_lazy("action", "New site project"),
    "reach_stage": pgettext_lazy("action", "Mark the next stage reached"),
    "add_check": pgettext_lazy("action", "Add an item"),
    "tick": pgettext_lazy("action", "Mark as met"),
    "untick": pgettext_lazy("action", "Mark as not met"),
    "add_photo": pgettext_lazy("action", "Add a photo"),
    # --- end sites
    # --- rollups (issue #13): this app's actions go between here and its end marker
    # --- end rollups
    # --- dashboards (issue #13): this app's actions go between here and its end marker
    # --- end dashboards
    # --- reports (issue #13): this app's actions go between here and its end marker
    "generate_report": pgettext_lazy("action", "Generate now"),
    # --- end reports
    # --- messages (issue #14): this part's actions go between here and its end marker
    "send_test": pgettext_lazy("action", "Send a test message"),
    # --- end messages
    # --- portal (issue #13): this app's actions go between here and its end marker
    "new_article": pgettext_lazy("action", "Write an article"),
    "schedule_publish": pgettext_lazy("action", "Publish now or at a time"),
    "unpublish": pgettext_lazy("action", "Take off the portal"),
    "add_image": pgettext_lazy("action", "Add an image"),
    "move_up": pgettext_lazy("action", "Move up"),
    "move_down": pgettext_lazy("action", "Move down"),
    "remove_image": pgettext_lazy("action", "Remove the image"),
    "save_caption": pgettext_lazy("action", "Save the caption"),
    "new_disclosure": pgettext_lazy("action", "New disclosure item"),
    "view_on_portal": pgettext_lazy("action", "View on the portal"),
    # --- end portal
    # --- accounts (issue #14): this app's actions go between here and its end marker
    "new_account": pgettext_lazy("action", "New account"),
    "grant_role": pgettext_lazy("action", "Grant the role"),
    "revoke_role": pgettext_lazy("action", "Revoke"),
    "deactivate": pgettext_lazy("action", "Deactivate"),
    "reactivate": pgettext_lazy("action", "Reactivate"),
    "reset_password": pgettext_lazy("action", "Reset the password"),
    "change_password": pgettext_lazy("action", "Change password"),
    "forgot_password": pgettext_lazy("action", "Forgot password?"),
    "send_code": pgettext_lazy("action", "Send the code"),
    "set_password": pgettext_lazy("action", "Set the new password"),
    "roster_accounts": pgettext_lazy("action", "Create the representatives' accounts"),
    "link_representative": pgettext_lazy("action", "Link"),
    "unlink_representative": pgettext_lazy("action", "Unlink"),
    # --- end accounts
}

# The destinations the navigation leads to (core.nav), one name each.
PLACES: dict[str, Promise] = {
    "home": pgettext_lazy("destination", "Home"),
    "grid": pgettext_lazy("destination", "Grid"),
    "households": pgettext_lazy("destination", "Households"),
    "my_households": pgettext_lazy("destination", "My households"),
    "party": pgettext_lazy("destination", "Party"),
    "my_branches": pgettext_lazy("destination", "My branches"),
    "exchange": pgettext_lazy("destination", "Import / export"),
    "cases": pgettext_lazy("destination", "Cases"),
    "board": pgettext_lazy("destination", "Supervision"),
    "measures": pgettext_lazy("destination", "Measures"),
    "notices": pgettext_lazy("destination", "Messages"),
    "back_office": pgettext_lazy("destination", "Back office"),
    "styleguide": pgettext_lazy("destination", "Component kit"),
    "me": pgettext_lazy("destination", "Me"),
    # --- audit (issue #14)
    "audit_log": pgettext_lazy("destination", "Audit log"),
    # --- end audit
    "report": pgettext_lazy("destination", "Report an issue"),
    "track": pgettext_lazy("destination", "Track progress"),
    "public_board": pgettext_lazy("destination", "Notice board"),
    "log_in": pgettext_lazy("destination", "Log in"),
    # --- orglife (issue #11): this app's destinations go between here and its end marker
    "meetings": pgettext_lazy("destination", "Organisational life"),
    # --- end orglife
    # --- alliances (issue #11): this app's destinations go between here and its end marker
    "alliances": pgettext_lazy("destination", "Party-building+"),
    # --- end alliances
    # --- rectify (issue #11): this app's destinations go between here and its end marker
    "rectification": pgettext_lazy("destination", "Rectification ledger"),
    # --- end rectify
    # --- inspections (issue #11): this app's destinations go between here and its end marker
    "inspections": pgettext_lazy("destination", "Inspections"),
    "indicator_sets": pgettext_lazy("destination", "Indicator sets"),
    "inspection_plans": pgettext_lazy("destination", "Inspection plans"),
    "campaigns": pgettext_lazy("destination", "Model branches"),
    "public_notices": pgettext_lazy("destination", "Model-branch notices"),
    # --- end inspections
    # --- duties (issue #11): this app's destinations go between here and its end marker
    "duties_week": pgettext_lazy("destination", "This week"),
    "duties_board": pgettext_lazy("destination", "Duty board"),
    "duties_plans": pgettext_lazy("destination", "Duty plans"),
    # --- end duties
    # --- cadence (issue #11): this app's destinations go between here and its end marker
    "arrangements": pgettext_lazy("destination", "Monthly arrangements"),
    "reviews": pgettext_lazy("destination", "Quarterly reviews"),
    "guidance": pgettext_lazy("destination", "Instructors' guidance"),
    # --- end cadence
    # --- trainings (issue #12): this app's destinations go between here and its end marker
    "trainings": pgettext_lazy("destination", "Trainings"),
    "my_training": pgettext_lazy("destination", "My training"),
    "training_measures": pgettext_lazy("destination", "Study hours"),
    # --- end trainings
    # --- checkin (issue #12): this app's destinations go between here and its end marker
    # --- end checkin
    # --- sites (issue #12): this app's destinations go between here and its end marker
    "sites": pgettext_lazy("destination", "Site construction"),
    # --- end sites
    # --- rollups (issue #13): this app's destinations go between here and its end marker
    # --- end rollups
    # --- dashboards (issue #13): this app's destinations go between here and its end marker
    "dashboards": pgettext_lazy("destination", "Dashboard"),
    # --- end dashboards
    # --- reports (issue #13): this app's destinations go between here and its end marker
    "reports": pgettext_lazy("destination", "Reports"),
    # --- end reports
    # --- portal (issue #13): this app's destinations go between here and its end marker
    "portal": pgettext_lazy("destination", "Public portal"),
    "portal_home": pgettext_lazy("destination", "Portal home"),
    "portal_figures": pgettext_lazy("destination", "Open data"),
    "portal_disclosure": pgettext_lazy("destination", "Party affairs disclosure"),
    "portal_cases": pgettext_lazy("destination", "Public service progress"),
    "portal_notices": pgettext_lazy("destination", "Model branch notices"),
    "portal_manage": pgettext_lazy("destination", "Portal articles"),
    "portal_disclosures": pgettext_lazy("destination", "Disclosure items"),
    # --- end portal
    # --- accounts (issue #14): this app's destinations go between here and its end marker
    "accounts": pgettext_lazy("destination", "Accounts"),
    # --- end accounts
}

# The sidebar's groups, in order.
GROUPS: dict[str, Promise] = {
    "main": pgettext_lazy("navigation group", "Overview"),
    "grid": pgettext_lazy("navigation group", "Grid"),
    "party": pgettext_lazy("navigation group", "Party building"),
    "cases": pgettext_lazy("navigation group", "Residents’ cases"),
    "data": pgettext_lazy("navigation group", "Data"),
    "residents": pgettext_lazy("navigation group", "Resident services"),
    "account": pgettext_lazy("navigation group", "Account"),
}


def action_label(key: str) -> Promise:
    """The one label of an action; an unknown key is a programming error (KeyError)."""
    return ACTIONS[key]
