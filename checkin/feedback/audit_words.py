"""How feedback's audit lines read on the staff's audit page: the filter kind of each
action it writes, and its sentence in the reader's language. accounts/audit.py asks; the
app registers this module (create_app), so accounts imports no feature."""

from checkin.accounts.api import say_day

KINDS = {
    "feedback": (
        "feedback text hidden",
        "feedback text shown",
        "feedback text deleted",
        "survey created",
        "survey changed",
        "survey closed",
        "survey deleted",
        "survey question added",
        "survey question removed",
        "idea approved",
        "idea rejected",
        "idea answered",
        "retention changed",
        "meeting started",
        "meeting decided",
        "meeting closed",
    ),
    "counting": (
        "votes set aside",
        "votes brought back",
    ),
}


def sentences(f, _, locale):
    """action → a function of the line's facts `f` that says it. Only called for the line's
    action; `_` is the reader's gettext."""
    def day(key="date"):
        return say_day(f[key], locale)

    return {
        "feedback text hidden": lambda: _("Hid text #%(id)s.") % {"id": f["id"]},
        "feedback text shown": lambda: _("Showed text #%(id)s again.") % {"id": f["id"]},
        "feedback text deleted": lambda: _("Deleted text #%(id)s.") % {"id": f["id"]},
        "survey created": lambda: _("Made survey #%(id)s, open %(first)s to %(last)s.") % {
            "id": f["id"], "first": day("opens"), "last": day("closes")},
        "survey changed": lambda: _("Changed survey #%(id)s, open %(first)s to %(last)s.") % {
            "id": f["id"], "first": day("opens"), "last": day("closes")},
        "survey closed": lambda: _("Closed survey #%(id)s.") % {"id": f["id"]},
        "survey deleted": lambda: _("Deleted survey #%(id)s.") % {"id": f["id"]},
        "survey question added": lambda: _("Added a question to survey #%(id)s.") % {
            "id": f["id"]},
        "survey question removed": lambda: _("Removed a question from survey #%(id)s.") % {
            "id": f["id"]},
        "idea approved": lambda: _("Approved idea #%(id)s and showed it.") % {"id": f["id"]},
        "idea rejected": lambda: _("Rejected idea #%(id)s.") % {"id": f["id"]},
        "idea answered": lambda: _("Answered idea #%(id)s.") % {"id": f["id"]},
        "retention changed": lambda: _("Set how long texts are kept: %(n)s months.") % {
            "n": f["months"]},
        "meeting started": lambda: _("Started the meeting %(name)s, %(day)s.") % {
            "name": f["name"], "day": day()},
        "meeting decided": lambda: _("Saved a decision of the meeting %(name)s, %(day)s.") % {
            "name": f["name"], "day": day()},
        "meeting closed": lambda: _("Closed the meeting %(name)s, %(day)s.") % {
            "name": f["name"], "day": day()},
        "votes set aside": lambda: _("Set aside the %(n)s votes of %(day)s.") % {
            "n": f["votes"], "day": day()},
        "votes brought back": lambda: _("Counted the %(n)s votes of %(day)s again.") % {
            "n": f["votes"], "day": day()},
    }
