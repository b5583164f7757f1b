"""The sheet "Era idéer – våra svar" for the wall: a venue's published ideas of one month, their
status, staff's answer in one or two lines, and what changed in the programme because of them.
Visitors without a phone see the idea box's answers too. No Flask."""

import datetime as dt
import math
import re

from checkin.week.api import schedule

MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)
MONTH_YEARS = range(2000, 9000)
OPEN = ("new", "considering", "planned")
# What closed the loop first, then what will happen, what staff look at, what will not, new.
ORDER = ("done", "planned", "considering", "not_possible", "new")
TEXT_CHARS = 150  # an idea: two lines on the sheet
ANSWER_CHARS = 130  # staff's answer: two lines with its label
# Room on the page, in lines of 13 pt text (6 mm) between the sheet's heading and its foot,
# and how many characters a line holds (fewer in an idea's own 14 pt bold line). Estimated
# wide (DejaVu Sans), so a narrower font only leaves more white at the bottom.
PAGE_LINES = 32
LINE_CHARS = 72
IDEA_LINE_CHARS = 60
GAP_LINES = 0.7  # the space and rule between two ideas
MORE_LINES = 1.5  # "And 3 more ideas in the idea box.", kept free in case it is needed
NEXT_WEEKS = 8  # how far ahead to look for the next time a linked activity is on


def parse_month(label):
    """The first day of a month written `2026-11`, or None if it is not one."""
    match = MONTH_RE.fullmatch(label or "")
    if not match or int(match[1]) not in MONTH_YEARS or not 1 <= int(match[2]) <= 12:
        return None
    return dt.date(int(match[1]), int(match[2]), 1)


def month_label(first):
    return f"{first:%Y-%m}"


def last_of_month(first):
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def shorten(text, limit):
    """`text` cut at a word before `limit` characters, with "…" when cut."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:–-")
    return cut + "…"


def month_ideas(db, venue_id, first):
    """The ideas the sheet for the month starting `first` is about, in the sheet's order: every
    published idea still open, and those suggested or answered in the month."""
    last = last_of_month(first)
    rows = [dict(r) for r in db.execute(
        "SELECT idea.*, (SELECT count(*) FROM idea_vote WHERE idea_id = idea.id "
        "AND set_aside = 0) AS votes "
        "FROM idea WHERE venue_id = ? AND published = 1 AND rejected = 0 AND created_date <= ? "
        "AND (status IN (?, ?, ?) OR created_date >= ? OR answered_on BETWEEN ? AND ?)",
        [venue_id, last.isoformat(), *OPEN, first.isoformat(), first.isoformat(),
         last.isoformat()])]
    rows.sort(key=lambda i: (ORDER.index(i["status"]), -i["votes"], i["created_date"], i["id"]))
    return rows


def _lines(chars, per_line=LINE_CHARS):
    return math.ceil(chars / per_line) if chars else 0


def lines_needed(idea):
    """How many lines of the page one idea takes, in its longer language, with its gap."""
    def longer(field):
        return max(len(idea.get(f"{field}_sv") or ""), len(idea.get(f"{field}_en") or ""))
    # The status word and votes share the idea's line; the labels start the others.
    text = _lines(30 + len(idea["text"]), IDEA_LINE_CHARS)
    answer = _lines(14 + longer("answer")) if longer("answer") else 0
    change = longer("change") + (45 + longer("activity_name") if idea.get("next") else 0)
    return text + answer + (_lines(18 + change) if change else 0) + GAP_LINES


def _next_times(db, venue_id, ideas, today):
    """The next time each linked activity is on (not cancelled), within NEXT_WEEKS."""
    wanted = {i["activity_id"] for i in ideas if i["activity_id"]}
    if not wanted:
        return {}
    found = {}
    for item in schedule.occurrences(db, venue_id, today, today + dt.timedelta(weeks=NEXT_WEEKS),
                                     shown_only=True):
        activity = item["activity"]["id"]
        if activity in wanted and activity not in found and not item["cancelled"]:
            found[activity] = item
    return found


def sheet(db, venue_id, first, today):
    """What the sheet shows: ideas (shortened, each with `next`, the linked activity's next
    time, and its activity's names), as many as fit the page, and `more`, how many did not."""
    ideas = month_ideas(db, venue_id, first)
    activities = {r["id"]: dict(r) for r in db.execute(
        "SELECT id, name_sv, name_en FROM activity WHERE venue_id = ?", [venue_id])}
    upcoming = _next_times(db, venue_id, ideas, today)
    shown, budget = [], PAGE_LINES - MORE_LINES
    for idea in ideas:
        idea["text"] = shorten(idea["text"], TEXT_CHARS)
        for lang in ("sv", "en"):
            idea[f"answer_{lang}"] = shorten(idea[f"answer_{lang}"], ANSWER_CHARS)
        activity = activities.get(idea["activity_id"])
        idea["activity_name_sv"] = activity["name_sv"] if activity else ""
        idea["activity_name_en"] = activity["name_en"] if activity else ""
        idea["next"] = upcoming.get(idea["activity_id"])
        cost = lines_needed(idea)
        if cost > budget:
            break
        shown.append(idea)
        budget -= cost
    return {"ideas": shown, "more": len(ideas) - len(shown), "first": first,
            "last": last_of_month(first)}
