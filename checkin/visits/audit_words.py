"""How the visits' audit lines read on the staff's audit page: the filter kind of each
action it writes, and its sentence in the reader's language. accounts/audit.py asks; the
app registers this module (create_app), so accounts imports no feature."""

from checkin.accounts.api import say_day, say_span

KINDS = {
    "counting": (
        "tally",
        "tally undone",
        "check-ins set aside",
        "check-ins brought back",
    ),
    "devices": (
        "kiosk created",
        "kiosk turned off",
    ),
}


def sentences(f, _, locale):
    """action → a function of the line's facts `f` that says it. Only called for the line's
    action; `_` is the reader's gettext."""
    def day(key="date"):
        return say_day(f[key], locale)

    def kiosk():
        return f["label"] or _("Kiosk %(n)s") % {"n": f["id"]}

    return {
        "tally": lambda: _("Counted by hand for %(name)s, %(day)s: %(changes)s.") % {
            "name": f["activity"] or _("no particular activity"), "day": day(),
            "changes": _changes(f["changes"], _)},
        "tally undone": lambda: _("Undid a count for %(name)s, %(day)s: %(changes)s.") % {
            "name": f["activity"] or _("no particular activity"), "day": day(),
            "changes": _changes(f["changes"], _)},
        "kiosk created": lambda: _("Made a tablet a kiosk: %(label)s.") % {"label": kiosk()},
        "kiosk turned off": lambda: _("Turned off the kiosk %(label)s.") % {"label": kiosk()},
        "check-ins set aside": lambda: _("Set aside %(n)s check-ins of %(when)s. "
                                         "Reason: %(reason)s") % {
            "n": f["visits"], "when": _hour_or_day(f, day, locale), "reason": f["reason"]},
        "check-ins brought back": lambda: _("Counted the %(n)s check-ins of %(when)s "
                                            "again.") % {
            "n": f["visits"], "when": _hour_or_day(f, day, locale)},
    }


def _changes(changes, _):
    words = {"woman": _("women"), "man": _("men"), "other": _("other"),
             "unstated": _("no answer")}
    return ", ".join(f"{words.get(g, g)} {n:+d}".replace("-", "−") for g, n in changes.items())


def _hour_or_day(f, day, locale):
    if f.get("hour") is None:
        return day("day")
    hour = int(f["hour"])
    return f"{day('day')}, {say_span(f'{hour:02d}:00', f'{hour + 1:02d}:00', locale)}"
