"""The idea box: anyone suggests, staff approve and answer, remembered phones vote. No Flask."""

from checkin.accounts.api import audit
from checkin.db import writing
from checkin.feedback.visitor_text import IDEA_TEXT_MAX, clean_text
from checkin.row_ids import new_row_id
from checkin.visits.api import person_hash, purpose_hash

STATUSES = ("new", "considering", "planned", "done", "not_possible")


class IdeaError(ValueError):
    """A moderation change that does not make sense; nothing was changed."""


def suggest(db, *, venue_id, day, text):
    """Store a suggestion, unpublished until staff approve it; return its id (None if empty)."""
    text = clean_text(text, IDEA_TEXT_MAX, one_line=True)
    if text is None:
        return None
    with writing(db):
        idea_id = new_row_id(db, "idea")
        db.execute(
            "INSERT INTO idea (id, venue_id, text, created_date) VALUES (?, ?, ?, ?)",
            [idea_id, venue_id, text, day.isoformat()],
        )
    return idea_id


def get_idea(db, idea_id):
    row = db.execute("SELECT * FROM idea WHERE id = ?", [idea_id]).fetchone()
    return dict(row) if row else None


def voter_hash(db, idea, device_key):
    """The phone's stand-in for votes on this idea only, with the secret of the idea's year."""
    year = int(idea["created_date"][:4])
    return purpose_hash(db, f"idea:{idea['id']}", device_key, year)


def published(db, venue_id, device_key=None):
    """Ideas everyone sees, most votes first, with the votes staff set aside (`aside`); with
    `voted` for this phone if it is remembered."""
    rows = [dict(r) for r in db.execute(
        "SELECT idea.*, (SELECT count(*) FROM idea_vote WHERE idea_id = idea.id "
        "AND set_aside = 0) AS votes, (SELECT count(*) FROM idea_vote WHERE idea_id = idea.id "
        "AND set_aside = 1) AS aside "
        "FROM idea WHERE venue_id = ? AND published = 1 AND rejected = 0 "
        "ORDER BY status IN ('done', 'not_possible'), votes DESC, created_date DESC, id DESC",
        [venue_id],
    )]
    for idea in rows:
        idea["voted"] = bool(device_key) and has_voted(db, idea, device_key)
    return rows


def has_voted(db, idea, device_key):
    """This phone's vote on this idea is stored already."""
    return db.execute("SELECT 1 FROM idea_vote WHERE idea_id = ? AND voter_hash = ?",
                      [idea["id"], voter_hash(db, idea, device_key)]).fetchone() is not None


def may_vote(db, venue_id, device_key, today):
    """A remembered phone votes at a venue only where and when it has been: it checked in at
    this venue today and on an earlier day this year (its hash is of this venue and year, so
    a code counted elsewhere, or last year, is never enough), in check-ins that still count.

    A farm of codes (cookies cleared, check in, "remember me", again) makes codes with one
    day each: none of them votes that day, and every one of them would have to come back on
    another day, through the door's per-address budgets, to vote.
    """
    hashed = person_hash(db, venue_id, device_key, today.year)
    row = db.execute(
        "SELECT count(DISTINCT date), max(date = ?) FROM visit WHERE venue_id = ? "
        "AND person_hash = ? AND date BETWEEN ? AND ? AND set_aside_id IS NULL",
        [today.isoformat(), venue_id, hashed, f"{today.year:04d}-01-01", today.isoformat()],
    ).fetchone()
    return bool(row[1]) and row[0] >= 2


def vote(db, idea_id, device_key, day=None):
    """One vote per idea and remembered phone, on `day` (the venue's local date); True if
    counted, False if it voted before. Whether the phone may vote is may_vote's question."""
    idea = get_idea(db, idea_id)
    if idea is None or not idea["published"] or idea["rejected"]:
        raise IdeaError("no such published idea")
    stand_in = voter_hash(db, idea, device_key)  # may create the year's secret: outside the write
    with writing(db):
        return db.execute(
            "INSERT OR IGNORE INTO idea_vote (idea_id, voter_hash, day) VALUES (?, ?, ?)",
            [idea_id, stand_in, day.isoformat() if day else None],
        ).rowcount == 1


def votes_by_day(db, venue_id, days=14, today=None):
    """[{'day', 'votes', 'aside'}] of the venue's votes by the day they were cast, newest
    first, for the last `days` days that had any: staff see a burst and may set it aside."""
    return [dict(r) for r in db.execute(
        "SELECT idea_vote.day AS day, sum(idea_vote.set_aside = 0) AS votes, "
        "sum(idea_vote.set_aside) AS aside FROM idea_vote JOIN idea ON idea.id = idea_id "
        "WHERE idea.venue_id = ? AND idea_vote.day IS NOT NULL "
        "GROUP BY idea_vote.day ORDER BY idea_vote.day DESC LIMIT ?", [venue_id, days])]


def set_day_aside(db, *, venue_id, day, user, bring_back=False):
    """Set aside (or bring back) every vote cast at the venue on `day`, with its audit line in
    the same transaction; returns how many votes changed."""
    with writing(db):
        changed = db.execute(
            "UPDATE idea_vote SET set_aside = ? WHERE day = ? AND set_aside = ? AND idea_id IN "
            "(SELECT id FROM idea WHERE venue_id = ?)",
            [0 if bring_back else 1, day.isoformat(), 1 if bring_back else 0, venue_id],
        ).rowcount
        if changed:
            audit.write(db, user, "votes brought back" if bring_back else "votes set aside",
                        f"{day.isoformat()}: {changed} votes", venue_id,
                        {"date": day.isoformat(), "votes": changed})
    return changed


def waiting(db, venue_id=None):
    """Suggestions staff have not approved or rejected yet, oldest first."""
    sql = "SELECT * FROM idea WHERE published = 0 AND rejected = 0"
    params = []
    if venue_id is not None:
        sql += " AND venue_id = ?"
        params.append(venue_id)
    return [dict(r) for r in db.execute(sql + " ORDER BY created_date, id", params)]


def all_ideas(db, venue_id=None):
    """Every idea with its vote count, newest first: for staff."""
    sql = ("SELECT idea.*, (SELECT count(*) FROM idea_vote WHERE idea_id = idea.id "
           "AND set_aside = 0) AS votes "
           "FROM idea")
    params = []
    if venue_id is not None:
        sql += " WHERE venue_id = ?"
        params.append(venue_id)
    return [dict(r) for r in db.execute(sql + " ORDER BY created_date DESC, id DESC", params)]


_KEEP = object()
# What staff write back and what changed because of the idea: a change here dates the answer.
ANSWERED = ("status", "answer_sv", "answer_en", "change_sv", "change_en", "activity_id")


def moderate(db, idea_id, *, status=None, answer_sv=None, answer_en=None, publish=None,
             reject=None, change_sv=None, change_en=None, activity_id=_KEEP, day=None, user):
    """Staff's change to one idea; return the idea as it is now.

    Approving publishes it (and undoes a rejection), rejecting hides it. "Not possible"
    needs an answer that says why, in Swedish at least. change_sv/change_en say what changed
    in the programme because of it; activity_id (or None) links the activity that came of it,
    one of the idea's venue. With `day`, a changed status, answer or change is dated that day.
    The audit line of `user` is written in the same transaction (None: the command line or
    the demo, which have no account and write no line).
    """
    if publish and reject:
        raise IdeaError("an idea cannot be both published and rejected")
    if status is not None and status not in STATUSES:
        raise IdeaError(f"status must be one of {', '.join(STATUSES)}")
    with writing(db):
        idea = get_idea(db, idea_id)
        if idea is None:
            raise IdeaError(f"no idea {idea_id}")
        changed = _changed(db, idea, status=status, answer_sv=answer_sv, answer_en=answer_en,
                           publish=publish, reject=reject, change_sv=change_sv,
                           change_en=change_en, activity_id=activity_id, day=day)
        db.execute(
            "UPDATE idea SET status = ?, answer_sv = ?, answer_en = ?, published = ?, "
            "rejected = ?, change_sv = ?, change_en = ?, activity_id = ?, answered_on = ? "
            "WHERE id = ?",
            [changed["status"], changed["answer_sv"], changed["answer_en"],
             changed["published"], changed["rejected"], changed["change_sv"],
             changed["change_en"], changed["activity_id"], changed["answered_on"], idea_id],
        )
        if user is not None:
            action = ("idea approved" if publish else "idea rejected" if reject
                      else "idea answered")
            audit.write(db, user, action, f"#{idea_id} status {changed['status']}",
                        idea["venue_id"], {"id": idea_id})
    return get_idea(db, idea_id)


def _changed(db, idea, *, status, answer_sv, answer_en, publish, reject, change_sv, change_en,
             activity_id, day):
    """The idea as `moderate` leaves it; IdeaError if that does not make sense."""
    changed = dict(idea)
    if status is not None:
        changed["status"] = status
    if answer_sv is not None:
        changed["answer_sv"] = " ".join(answer_sv.split())
    if answer_en is not None:
        changed["answer_en"] = " ".join(answer_en.split())
    if publish:
        changed["published"], changed["rejected"] = 1, 0
    if reject:
        changed["published"], changed["rejected"] = 0, 1
    if publish is False:
        changed["published"] = 0
    if change_sv is not None:
        changed["change_sv"] = " ".join(change_sv.split())
    if change_en is not None:
        changed["change_en"] = " ".join(change_en.split())
    if activity_id is not _KEEP:
        if activity_id is not None and db.execute(
                "SELECT 1 FROM activity WHERE id = ? AND venue_id = ?",
                [activity_id, idea["venue_id"]]).fetchone() is None:
            raise IdeaError("that activity is not one of the idea's venue")
        changed["activity_id"] = activity_id
    if changed["status"] == "not_possible" and not changed["answer_sv"]:
        raise IdeaError("say why it is not possible (answer in Swedish)")
    if day is not None and any(changed[k] != idea[k] for k in ANSWERED):
        changed["answered_on"] = day.isoformat()
    return changed


def purge_unpublished(db, before):
    """Delete suggestions never published that were written before `before`; return how many."""
    with writing(db):
        return db.execute(
            "DELETE FROM idea WHERE published = 0 AND created_date < ?", [before.isoformat()]
        ).rowcount


def remove_year_hashes(db, year):
    """The yearly close: votes on ideas from `year` or before keep their row (so the count
    stays) but their stand-in becomes a random value that matches no phone.

    The caller holds the write. Returns how many votes.
    """
    return db.execute(
        "UPDATE idea_vote SET voter_hash = lower(hex(randomblob(16))) WHERE idea_id IN "
        "(SELECT id FROM idea WHERE substr(created_date, 1, 4) <= ?)",
        [f"{year:04d}"],
    ).rowcount


def year_hashes(db, year):
    """The voter hashes the yearly close of `year` removes (ideas made by then)."""
    return [row[0] for row in db.execute(
        "SELECT voter_hash FROM idea_vote WHERE idea_id IN "
        "(SELECT id FROM idea WHERE substr(created_date, 1, 4) <= ?)", [f"{year:04d}"])]


def kept_hashes(db):
    """Every voter hash still kept."""
    return [row[0] for row in db.execute("SELECT DISTINCT voter_hash FROM idea_vote") if row[0]]
