"""The meeting in the room: the house meeting (Husmöte) and the future workshop
(Framtidsverkstad). No Flask.

Staff start a meeting at a venue, put questions to the room one at a time — the idea box's
approved ideas, proposals made in the room, their own questions — and count the hands raised
for, against and unsure, never who raised them. Each question leaves the meeting with a
decision (an idea status) and a short answer: an idea from the box gets them as its answer,
a proposal becomes an idea with them, marked as coming from the meeting. The headcount is
typed once and counted as tally visits of the meeting's activity, so it is in every figure
exactly once. Nothing here is finer than the hour the meeting began.
"""

import datetime as dt

from checkin.accounts.api import audit
from checkin.db import writing
from checkin.feedback import ideas
from checkin.feedback.visitor_text import clean_text
from checkin.row_ids import new_row_id
from checkin.visits.api import recording
from checkin.week.api import meeting_activity

NAMES = ("Husmöte", "Framtidsverkstad")
NAME_MAX = 60
TEXT_MAX = 200
ANSWER_MAX = 300
NEXT_STEPS_MAX = 1000
HANDS = ("votes_for", "votes_against", "votes_unsure")
HANDS_MAX = 500
ATTENDED_MAX = 500
DECISIONS = ("considering", "planned", "done", "not_possible")
QUESTIONS_MAX = 60


class MeetingRefused(ValueError):
    """Nothing was changed. `reason`: 'name', 'text', 'answer', 'status', 'closed', 'unknown',
    'number', 'full', 'why'."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


# --- reading ---------------------------------------------------------------------------------

def meetings(db, venue_id):
    """The venue's meetings, newest first, each with how many questions and decisions."""
    return [dict(r) for r in db.execute(
        "SELECT meeting.*, (SELECT count(*) FROM meeting_question q "
        "WHERE q.meeting_id = meeting.id) AS questions, (SELECT count(*) FROM "
        "meeting_question q WHERE q.meeting_id = meeting.id AND q.status IS NOT NULL) "
        "AS decided FROM meeting WHERE venue_id = ? ORDER BY date DESC, id DESC",
        [venue_id])]


def meeting(db, venue_id, meeting_id):
    """The meeting with its questions in order, or None (also for another venue's)."""
    row = db.execute("SELECT * FROM meeting WHERE id = ? AND venue_id = ?",
                     [meeting_id, venue_id]).fetchone()
    if row is None:
        return None
    found = dict(row)
    found["questions"] = [dict(q) for q in db.execute(
        "SELECT meeting_question.*, idea.created_date AS idea_date FROM meeting_question "
        "LEFT JOIN idea ON idea.id = meeting_question.idea_id "
        "WHERE meeting_question.meeting_id = ? ORDER BY position", [meeting_id])]
    for question in found["questions"]:
        question["votes"] = _box_votes(db, question["idea_id"])
    questions = found["questions"]
    found["question"] = questions[found["current"]] if 0 <= found["current"] < len(
        questions) else None
    found["can_undo"] = db.execute("SELECT 1 FROM meeting_step WHERE meeting_id = ? LIMIT 1",
                                   [meeting_id]).fetchone() is not None
    return found


def open_meeting(db, venue_id):
    """The venue's meeting that is going on (not closed), newest; None if there is none."""
    row = db.execute("SELECT id FROM meeting WHERE venue_id = ? AND closed = 0 "
                     "ORDER BY date DESC, id DESC LIMIT 1", [venue_id]).fetchone()
    return meeting(db, venue_id, row[0]) if row else None


def _box_votes(db, idea_id):
    if idea_id is None:
        return None
    return db.execute("SELECT count(*) FROM idea_vote WHERE idea_id = ?", [idea_id]).fetchone()[0]


def from_meeting(db, idea_ids):
    """{idea id: (meeting name, day)} for ideas proposed in a meeting: 'från husmötet 7
    december' on the ideas page and sheet."""
    if not idea_ids:
        return {}
    marks = ",".join("?" * len(idea_ids))
    return {r[0]: (r[1], dt.date.fromisoformat(r[2])) for r in db.execute(
        "SELECT idea.id, meeting.name, meeting.date FROM idea JOIN meeting "  # noqa: S608
        f"ON meeting.id = idea.meeting_id WHERE idea.id IN ({marks})",  # nosec B608
        list(idea_ids))}


# --- starting, questions ---------------------------------------------------------------------

def start(db, venue_id, name, *, day, hour, user, with_ideas=True):
    """A new meeting today at `hour` (the venue's local hour), with the idea box's open
    ideas as its first questions, most votes first. Returns its id."""
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX:
        raise MeetingRefused("name")
    with writing(db):
        activity_id = meeting_activity(db, venue_id, name, user=user)
        meeting_id = db.execute(
            "INSERT INTO meeting (venue_id, name, date, hour, activity_id) VALUES (?,?,?,?,?)",
            [venue_id, name, day.isoformat(), hour, activity_id]).lastrowid
        if with_ideas:
            for idea in _open_ideas(db, venue_id)[:QUESTIONS_MAX]:
                _append(db, meeting_id, "idea", idea["text"], idea["id"])
        audit.write(db, user, "meeting started", name, venue_id,
                    {"name": name, "date": day.isoformat()})
    return meeting_id


def _open_ideas(db, venue_id):
    """Approved ideas not yet decided for good (new or being considered), most votes first."""
    return [dict(r) for r in db.execute(
        "SELECT idea.*, (SELECT count(*) FROM idea_vote WHERE idea_id = idea.id) AS votes "
        "FROM idea WHERE venue_id = ? AND published = 1 AND rejected = 0 "
        "AND status IN ('new', 'considering') ORDER BY votes DESC, created_date DESC, id DESC",
        [venue_id])]


def _append(db, meeting_id, kind, text, idea_id=None):
    position = db.execute("SELECT coalesce(max(position) + 1, 0) FROM meeting_question "
                          "WHERE meeting_id = ?", [meeting_id]).fetchone()[0]
    if position >= QUESTIONS_MAX:
        raise MeetingRefused("full")
    return db.execute(
        "INSERT INTO meeting_question (meeting_id, position, kind, idea_id, text) "
        "VALUES (?,?,?,?,?)", [meeting_id, position, kind, idea_id, text]).lastrowid


def _open(db, venue_id, meeting_id):
    row = db.execute("SELECT * FROM meeting WHERE id = ? AND venue_id = ?",
                     [meeting_id, venue_id]).fetchone()
    if row is None:
        raise MeetingRefused("unknown")
    if row["closed"]:
        raise MeetingRefused("closed")
    return dict(row)


def add_question(db, venue_id, meeting_id, kind, text):
    """A proposal made in the room or staff's own question, asked next (after the one
    shown). Returns its id."""
    if kind not in ("proposal", "question"):
        raise MeetingRefused("unknown")
    text = clean_text(text, TEXT_MAX, one_line=True)
    if text is None:
        raise MeetingRefused("text")
    with writing(db):
        found = _open(db, venue_id, meeting_id)
        question_id = _append(db, meeting_id, kind, text)
        # Asked next: move it right after the question on the screen.
        last = db.execute("SELECT position FROM meeting_question WHERE id = ?",
                          [question_id]).fetchone()[0]
        target = min(found["current"] + 1, last)
        if target < last:
            db.execute("UPDATE meeting_question SET position = -position - 1 "
                       "WHERE meeting_id = ? AND position >= ? AND id != ?",
                       [meeting_id, target, question_id])
            db.execute("UPDATE meeting_question SET position = ? WHERE id = ?",
                       [target, question_id])
            db.execute("UPDATE meeting_question SET position = -position WHERE "
                       "meeting_id = ? AND position < 0", [meeting_id])
    return question_id


def go_to(db, venue_id, meeting_id, position):
    """Show question `position` (back to an earlier one, or on to the next)."""
    with writing(db):
        _open(db, venue_id, meeting_id)
        count = db.execute("SELECT count(*) FROM meeting_question WHERE meeting_id = ?",
                           [meeting_id]).fetchone()[0]
        if not 0 <= position < max(count, 1):
            raise MeetingRefused("unknown")
        db.execute("UPDATE meeting SET current = ? WHERE id = ?", [position, meeting_id])


# --- hands -----------------------------------------------------------------------------------

def _question(db, meeting_id, question_id):
    row = db.execute("SELECT * FROM meeting_question WHERE id = ? AND meeting_id = ?",
                     [question_id, meeting_id]).fetchone()
    if row is None:
        raise MeetingRefused("unknown")
    return dict(row)


def set_hands(db, venue_id, meeting_id, question_id, field, value):
    """Hands for, against or unsure, as counted (typed, or one step of ±1 from the page).
    The value before is kept so the change can be undone."""
    if field not in HANDS or not isinstance(value, int) or not 0 <= value <= HANDS_MAX:
        raise MeetingRefused("number")
    with writing(db):
        _open(db, venue_id, meeting_id)
        before = _question(db, meeting_id, question_id)[field]
        if before == value:
            return value
        # Field names come from HANDS above, never from the request.
        db.execute(f"UPDATE meeting_question SET {field} = ? WHERE id = ?",  # noqa: S608 # nosec B608
                   [value, question_id])
        db.execute("INSERT INTO meeting_step (meeting_id, question_id, field, before) "
                   "VALUES (?,?,?,?)", [meeting_id, question_id, field, before])
    return value


def step_hands(db, venue_id, meeting_id, question_id, field, step):
    """+1 or −1 to one count (never below 0)."""
    if step not in (1, -1) or field not in HANDS:
        raise MeetingRefused("number")
    now = _question(db, meeting_id, question_id)[field]
    return set_hands(db, venue_id, meeting_id, question_id, field, max(0, now + step))


def undo(db, venue_id, meeting_id):
    """Take back the last change of hands, whichever question it was on; False if none."""
    with writing(db):
        _open(db, venue_id, meeting_id)
        last = db.execute("SELECT * FROM meeting_step WHERE meeting_id = ? "
                          "ORDER BY id DESC LIMIT 1", [meeting_id]).fetchone()
        if last is None:
            return False
        db.execute(f"UPDATE meeting_question SET {last['field']} = ? "  # noqa: S608 # nosec B608
                   "WHERE id = ?", [last["before"], last["question_id"]])
        db.execute("DELETE FROM meeting_step WHERE id = ?", [last["id"]])
        position = db.execute("SELECT position FROM meeting_question WHERE id = ?",
                              [last["question_id"]]).fetchone()[0]
        db.execute("UPDATE meeting SET current = ? WHERE id = ?", [position, meeting_id])
    return True


# --- decisions, headcount, closing -----------------------------------------------------------

def decide(db, venue_id, meeting_id, question_id, status, answer, *, day, user):
    """What the room decided, with a short answer: an idea from the box gets it as its
    status and answer (published); a proposal becomes a published idea with them, marked as
    from this meeting; staff's own question keeps it in the minutes."""
    if status not in DECISIONS:
        raise MeetingRefused("status")
    answer = " ".join((answer or "").split())
    if len(answer) > ANSWER_MAX:
        raise MeetingRefused("answer")
    if status == "not_possible" and not answer:
        raise MeetingRefused("why")
    found = _open(db, venue_id, meeting_id)
    question = _question(db, meeting_id, question_id)
    if question["kind"] == "idea" and question["idea_id"] is not None:
        try:
            ideas.moderate(db, question["idea_id"], status=status, answer_sv=answer,
                           publish=True, day=day, user=user)
        except ideas.IdeaError:
            raise MeetingRefused("unknown") from None
    with writing(db):
        idea_id = question["idea_id"]
        if question["kind"] == "proposal" and idea_id is None:
            idea_id = new_row_id(db, "idea")
            db.execute(
                "INSERT INTO idea (id, venue_id, text, created_date, status, answer_sv, "
                "published, answered_on, meeting_id) VALUES (?,?,?,?,?,?,1,?,?)",
                [idea_id, venue_id, question["text"], found["date"], status, answer,
                 day.isoformat(), meeting_id])
        elif question["kind"] == "proposal":
            db.execute("UPDATE idea SET status = ?, answer_sv = ?, answered_on = ? "
                       "WHERE id = ?", [status, answer, day.isoformat(), idea_id])
        db.execute("UPDATE meeting_question SET status = ?, answer = ?, idea_id = ? "
                   "WHERE id = ?", [status, answer, idea_id, question_id])
        # The question's text is not copied: for an idea it is what a visitor wrote.
        audit.write(db, user, "meeting decided", f"#{meeting_id} question #{question_id}",
                    venue_id,
                    {"name": found["name"], "date": found["date"], "status": status})
    return idea_id


def set_attended(db, venue_id, meeting_id, attended, *, user):
    """The headcount, typed once (or corrected): the meeting's activity gets exactly that
    many tally visits on the meeting's day, never twice."""
    if not isinstance(attended, int) or not 0 <= attended <= ATTENDED_MAX:
        raise MeetingRefused("number")
    with writing(db):
        found = _open(db, venue_id, meeting_id)
        change = attended - found["attended"]
        if change:
            recording.tally_within(db, venue_id=venue_id, activity_id=found["activity_id"],
                                   day=dt.date.fromisoformat(found["date"]),
                                   changes={"unstated": change}, user=user)
        db.execute("UPDATE meeting SET attended = ? WHERE id = ?", [attended, meeting_id])
    return attended


def close(db, venue_id, meeting_id, next_steps, *, user):
    """End the meeting with what happens next; the minutes keep it, nothing changes after."""
    next_steps = (next_steps or "").strip()
    if len(next_steps) > NEXT_STEPS_MAX:
        raise MeetingRefused("text")
    with writing(db):
        found = _open(db, venue_id, meeting_id)
        db.execute("UPDATE meeting SET closed = 1, next_steps = ? WHERE id = ?",
                   [next_steps, meeting_id])
        db.execute("DELETE FROM meeting_step WHERE meeting_id = ?", [meeting_id])
        audit.write(db, user, "meeting closed", found["name"], venue_id,
                    {"name": found["name"], "date": found["date"]})


# --- participation in the figures ------------------------------------------------------------

def participation(db, venue_id, first, last):
    """Meetings held from `first` to `last`, people who came (the headcounts), proposals and
    ideas put to them, decided, and how many became programme (an idea decided 'planned' or
    'done' that staff linked to an activity, or decided 'done')."""
    params = [first.isoformat(), last.isoformat()]
    venue = "" if venue_id is None else " AND meeting.venue_id = ?"
    if venue_id is not None:
        params.append(venue_id)
    held = db.execute(
        "SELECT count(*), coalesce(sum(attended), 0) FROM meeting "  # noqa: S608
        f"WHERE date BETWEEN ? AND ?{venue}", params).fetchone()  # nosec B608
    asked = db.execute(
        "SELECT count(*), count(q.status), sum(q.kind = 'proposal'), "  # noqa: S608
        "sum(q.status = 'done' OR (q.status = 'planned' AND idea.activity_id IS NOT NULL)) "
        "FROM meeting_question q JOIN meeting ON meeting.id = q.meeting_id "
        "LEFT JOIN idea ON idea.id = q.idea_id "
        f"WHERE meeting.date BETWEEN ? AND ?{venue}", params).fetchone()  # nosec B608
    return {"meetings": held[0], "attended": held[1], "questions": asked[0],
            "decided": asked[1], "proposals": asked[2] or 0, "programme": asked[3] or 0}
