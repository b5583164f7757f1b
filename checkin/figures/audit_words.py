"""How the figures' audit lines read on the staff's audit page: the filter kind of each
action it writes, and its sentence in the reader's language. accounts/audit.py asks; the
app registers this module (create_app), so accounts imports no feature."""

from checkin.accounts.api import say_day

KINDS = {
    "figures": (
        "export with less hiding",
        "report text saved",
    ),
    "counting": (
        "counts imported",
        "import undone",
    ),
}


def sentences(f, _, locale):
    """action → a function of the line's facts `f` that says it. Only called for the line's
    action; `_` is the reader's gettext."""
    def day(key="date"):
        return say_day(f[key], locale)

    return {
        "export with less hiding": lambda: _(
            "Downloaded figures from %(first)s to %(last)s hiding only counts under "
            "%(n)s (usually under %(usual)s).") % {
            "first": day("first"), "last": day("last"),
            "n": f["min_cell"] or 1, "usual": f["usual"]},
        "report text saved": lambda: _("Saved the text of the yearly report %(year)s.") % {
            "year": f["year"]},
        "counts imported": lambda: _("Imported %(file)s: %(visits)s counted visits.") % {
            "file": f["file"], "visits": f["visits"]},
        "import undone": lambda: _("Undid the import of %(file)s: %(visits)s counted visits "
                                   "removed.") % {"file": f["file"], "visits": f["visits"]},
    }
