"""How the week's audit lines read on the staff's audit page: the filter kind of each
action it writes, and its sentence in the reader's language. accounts/audit.py asks; the
app registers this module (create_app), so accounts imports no feature."""

from checkin.accounts.api import say_day, say_span

KINDS = {
    "programme": (
        "activity created",
        "activity changed",
        "weekly time created",
        "weekly time changed",
        "weekly time removed",
        "weekly time ended",
        "weekly time changed from a date",
        "event created",
        "event changed",
        "event removed",
        "occurrence changed",
        "occurrence restored",
        "week changes copied",
        "venue created",
        "venue changed",
    ),
    "devices": (
        "door key replaced",
        "screen created",
        "screen turned off",
    ),
}


def sentences(f, _, locale):
    """action → a function of the line's facts `f` that says it. Only called for the line's
    action; `_` is the reader's gettext."""
    def day(key="date"):
        return say_day(f[key], locale)

    def span(a="start", b="end"):
        return say_span(f[a], f[b], locale)

    return {
        "activity created": lambda: _("Added the activity %(name)s.") % {"name": f["name"]},
        "activity changed": lambda: _changed_sentence(
            _("Changed the activity %(name)s") % {"name": f["name"]}, f, _),
        "weekly time created": lambda: (
            _("Added %(name)s %(weekdays)s %(span)s from %(day)s until %(last)s.") % {
                "name": f["activity"], "weekdays": _weekday(f["weekday"], _),
                "span": span(), "day": day("valid_from"), "last": day("valid_until")}
            if f.get("valid_until") else
            _("Added %(name)s %(weekdays)s %(span)s from %(day)s.") % {
                "name": f["activity"], "weekdays": _weekday(f["weekday"], _),
                "span": span(), "day": day("valid_from")}),
        "weekly time changed": lambda: _("Changed %(name)s to %(weekdays)s %(span)s.") % {
            "name": f["activity"], "weekdays": _weekday(f["weekday"], _), "span": span()},
        "weekly time removed": lambda: _("Removed %(name)s %(weekdays)s %(span)s.") % {
            "name": f["activity"], "weekdays": _weekday(f["weekday"], _), "span": span()},
        "weekly time ended": lambda: _("Ended %(name)s %(weekdays)s %(span)s: the last time "
                                       "is %(day)s.") % {
            "name": f["activity"], "weekdays": _weekday(f["weekday"], _), "span": span(),
            "day": day("valid_until")},
        "weekly time changed from a date": lambda: _("Changed %(name)s from %(day)s: now "
                                                     "%(weekdays)s %(span)s.") % {
            "name": f["activity"], "weekdays": _weekday(f["weekday"], _), "span": span(),
            "day": day("valid_from")},
        "event created": lambda: _("Added the one-off event %(name)s, %(day)s %(span)s.") % {
            "name": f["activity"], "day": day(), "span": span()},
        "event changed": lambda: _("Changed the one-off event %(name)s, now %(day)s "
                                   "%(span)s.") % {
            "name": f["activity"], "day": day(), "span": span()},
        "event removed": lambda: _("Removed the one-off event %(name)s, %(day)s %(span)s.") % {
            "name": f["activity"], "day": day(), "span": span()},
        "occurrence changed": lambda: (
            _("Cancelled %(name)s on %(day)s.") % {"name": f["activity"], "day": day()}
            if f["cancelled"] else
            _("Moved %(name)s from %(day)s to %(new_day)s %(span)s.") % {
                "name": f["activity"], "day": day(), "new_day": day("new_date"),
                "span": span("new_start", "new_end")}),
        "occurrence restored": lambda: _("Put %(name)s on %(day)s back to its usual time.") % {
            "name": f["activity"], "day": day()},
        "week changes copied": lambda: _("Copied %(n)s cancellations and moves from week "
                                         "%(week)s to the week after.") % {
            "n": f["copied"], "week": f["week"]},
        "venue created": lambda: _("Added the venue %(name)s.") % {"name": f["name"]},
        "venue changed": lambda: _changed_sentence(
            _("Changed the venue %(name)s") % {"name": f["name"]}, f, _),
        "door key replaced": lambda: _("Replaced the QR code: old posters no longer work."),
        "screen created": lambda: _("Made a device a wall screen: %(label)s.") % {
            "label": f.get("label") or _("Screen %(n)s") % {"n": f["id"]}},
        "screen turned off": lambda: _("Turned off the wall screen %(label)s.") % {
            "label": f.get("label") or _("Screen %(n)s") % {"n": f["id"]}},
    }


def _weekday(weekday, _):
    return [_("on Mondays"), _("on Tuesdays"), _("on Wednesdays"), _("on Thursdays"),
            _("on Fridays"), _("on Saturdays"), _("on Sundays")][weekday]


def _field_names(_):
    return {"name_sv": _("name"), "name_en": _("English name"),
            "description_sv": _("description"), "description_en": _("English description"),
            "pictogram": _("symbol"), "address": _("place"), "counted": _("counted"),
            "active": _("shown in the week"), "slug": _("short name"),
            "name": _("name"), "organisation": _("organisation"), "timezone": _("time zone"),
            "opening_days": _("opening days")}


def _value(field, value, _):
    if field in ("counted", "active"):
        return _("yes") if str(value) in ("1", "True") else _("no")
    if value in (None, ""):
        return _("(empty)")
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _changed_sentence(start, f, _):
    """'Changed the activity Sygrupp: name Sygrupp → Syverkstad, shown in the week yes → no.'
    Long values are cut; a line written before changes were kept says only what."""
    changed = f.get("changed") or {}
    if not changed:
        return start + "."
    names = _field_names(_)
    parts = [f"{names.get(k, k)} {_value(k, old, _)} → {_value(k, new, _)}"
             for k, (old, new) in changed.items()]
    return f"{start}: {', '.join(parts)}."
