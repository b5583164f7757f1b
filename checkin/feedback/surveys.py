"""Short surveys staff define: single-choice or 1–5 questions, open for a period. No Flask.

A remembered phone answers a survey at most once: the response keeps
HMAC(year secret, "survey:<id>:<phone key>"), a hash for this survey only. Other
answers keep no hash and may come more than once; results say how many came from
remembered phones.
"""

import datetime as dt
import json

from checkin.accounts.api import audit
from checkin.db import scrub_deletion, writing
from checkin.publishing.api import (
    SMALL,
    period_of,
    publish_count,
    stored_record_key,
    suppress_small_cells,
)
from checkin.row_ids import new_row_id
from checkin.visits.api import purpose_hash

KINDS = ("choice", "scale")
# Published results: every number the sum of its finest cells (_published_results). The
# test of the part-against-whole reader turns this off to show each count perturbed on its
# own, as before.
CONSISTENT = True
ANSWERED = ("answered",)  # the number who answered, beside the option values (all text)
TEXT_MAX = 300
YES_PARTLY_NO = [
    {"value": "yes", "sv": "Ja", "en": "Yes"},
    {"value": "partly", "sv": "Delvis", "en": "Partly"},
    {"value": "no", "sv": "Nej", "en": "No"},
]


class SurveyError(ValueError):
    """A survey definition or an answer that does not fit; nothing was stored."""


class AlreadyAnswered(SurveyError):
    """This remembered phone has answered this survey before."""


class SurveyClosed(SurveyError):
    """The survey is not open on the day of the answer."""


class NotAnOption(SurveyError):
    """An answer to a question the survey does not have, or a value not among its options."""


class NoAnswer(SurveyError):
    """Every question was skipped: there is nothing to store."""


class SurveysOverlap(SurveyError):
    """Another survey at the venue is open on some of the same days; visitors would see only
    one of them, and the other would stop collecting answers without a word. `other` is it."""

    def __init__(self, other):
        super().__init__(f"the survey {other['title_sv']!r} (#{other['id']}) is open "
                         f"{other['opens']} to {other['closes']}, and visitors see one survey "
                         "at a time: choose days after it closes, or close it first")
        self.other = other


def overlapping_survey(db, venue_id, opens, closes, survey_id=None):
    """Another survey of the venue open on a day from `opens` to `closes`, else None."""
    row = db.execute(
        "SELECT * FROM survey WHERE venue_id = ? AND id != ? AND opens <= ? AND closes >= ? "
        "ORDER BY opens, id LIMIT 1",
        [venue_id, survey_id or 0, closes.isoformat(), opens.isoformat()]).fetchone()
    return dict(row) if row else None


def scale_options(low_sv="", low_en="", high_sv="", high_en=""):
    """1 to 5, the ends optionally with words ("1 – inte alls")."""
    options = [{"value": str(n), "sv": str(n), "en": str(n)} for n in range(1, 6)]
    for option, sv, en in ((options[0], low_sv, low_en), (options[-1], high_sv, high_en)):
        if sv:
            option["sv"] = f"{option['value']} – {sv}"
        if en:
            option["en"] = f"{option['value']} – {en}"
    return options


def _check_options(kind, options):
    if kind not in KINDS:
        raise SurveyError(f"kind must be one of {', '.join(KINDS)}")
    if not options or not isinstance(options, list) or len(options) > 10:
        raise SurveyError("a question needs 1 to 10 options")
    values = []
    for option in options:
        if not isinstance(option, dict) or not option.get("value") or not option.get("sv"):
            raise SurveyError("every option needs a value and a Swedish label")
        values.append(str(option["value"]))
    if len(set(values)) != len(values):
        raise SurveyError("two options have the same value")
    return [{"value": str(o["value"]), "sv": str(o["sv"]), "en": str(o.get("en") or "")}
            for o in options]


def create_survey(db, *, venue_id, title_sv, opens, closes, questions, title_en="", user):
    """Store a survey with its questions; return its id.

    questions: [{"text_sv", "text_en"?, "kind": "choice"|"scale", "options"?}], where a
    choice question without options gets yes / partly / no and a scale gets 1–5. The audit
    line of `user` is written in the same transaction (None: the command line or the demo,
    which have no account and write no line).
    """
    title_sv, title_en = (title_sv or "").strip(), (title_en or "").strip()
    if not title_sv or len(title_sv) > TEXT_MAX or len(title_en) > TEXT_MAX:
        raise SurveyError("the survey needs a Swedish title (at most 300 characters)")
    if closes < opens:
        raise SurveyError("the survey closes before it opens")
    if not questions:
        raise SurveyError("a survey needs at least one question")
    checked = [check_question(question) for question in questions]
    with writing(db):
        # Checked inside the write, so two staff saving at once cannot both get the days.
        other = overlapping_survey(db, venue_id, opens, closes)
        if other:
            raise SurveysOverlap(other)
        survey_id = db.execute(
            "INSERT INTO survey (venue_id, title_sv, title_en, opens, closes) VALUES (?,?,?,?,?)",
            [venue_id, title_sv.strip(), title_en.strip(), opens.isoformat(), closes.isoformat()],
        ).lastrowid
        for position, (text_sv, text_en, kind, options) in enumerate(checked, start=1):
            db.execute(
                "INSERT INTO survey_question (survey_id, position, text_sv, text_en, kind, "
                "options) VALUES (?,?,?,?,?,?)",
                [survey_id, position, text_sv, text_en, kind,
                 json.dumps(options, ensure_ascii=False)],
            )
        if user is not None:
            audit.write(db, user, "survey created", f"#{survey_id} {opens}–{closes}", venue_id,
                        {"id": survey_id, "opens": opens, "closes": closes})
    return survey_id


def load_file(db, venue_id, data):
    """Create a survey from parsed JSON or TOML: title_sv, title_en, opens, closes, questions."""
    try:
        opens = dt.date.fromisoformat(str(data["opens"]))
        closes = dt.date.fromisoformat(str(data["closes"]))
    except (KeyError, ValueError) as error:
        raise SurveyError("opens and closes must be dates like 2026-03-01") from error
    return create_survey(
        db, venue_id=venue_id, title_sv=data.get("title_sv", ""),
        title_en=data.get("title_en", ""), opens=opens, closes=closes,
        questions=data.get("questions") or [], user=None,
    )


def get_survey(db, survey_id):
    row = db.execute("SELECT * FROM survey WHERE id = ?", [survey_id]).fetchone()
    if row is None:
        return None
    survey = dict(row)
    survey["questions"] = [
        {**dict(q), "options": json.loads(q["options"])}
        for q in db.execute(
            "SELECT * FROM survey_question WHERE survey_id = ? ORDER BY position", [survey_id])
    ]
    return survey


def is_open(survey, day):
    return survey["opens"] <= day.isoformat() <= survey["closes"]


def open_survey(db, venue_id, day):
    """The survey open at the venue on `day` (the one opened last if several), else None."""
    row = db.execute(
        "SELECT id FROM survey WHERE venue_id = ? AND opens <= ? AND closes >= ? "
        "ORDER BY opens DESC, id DESC LIMIT 1",
        [venue_id, day.isoformat(), day.isoformat()],
    ).fetchone()
    return get_survey(db, row[0]) if row else None


def surveys(db, venue_id=None):
    sql, params = "SELECT * FROM survey", []
    if venue_id is not None:
        sql, params = sql + " WHERE venue_id = ?", [venue_id]
    return [dict(r) for r in db.execute(sql + " ORDER BY opens DESC, id DESC", params)]


def respondent_hash(db, survey, device_key):
    """The phone's stand-in for this survey only, with the secret of the year it opened."""
    return purpose_hash(db, f"survey:{survey['id']}", device_key, int(survey["opens"][:4]))


def has_answered(db, survey, device_key):
    return db.execute(
        "SELECT 1 FROM survey_response WHERE survey_id = ? AND respondent_hash = ?",
        [survey["id"], respondent_hash(db, survey, device_key)],
    ).fetchone() is not None


def check_response(db, survey, day, answers, device_key=None):
    """Raise what record_response would raise for these answers, writing nothing: the page
    asks before it spends the form's one-time token, so a refused answer leaves no row."""
    if not is_open(survey, day):
        raise SurveyClosed("the survey is not open")
    allowed = {q["id"]: {o["value"] for o in q["options"]} for q in survey["questions"]}
    for question_id, value in answers.items():
        if question_id not in allowed or value not in allowed[question_id]:
            raise NotAnOption("an answer that is not one of the options")
    if not answers:
        raise NoAnswer("no answer")
    if device_key and has_answered(db, survey, device_key):
        raise AlreadyAnswered("this phone has answered this survey")


def record_response(db, survey, day, answers, device_key=None):
    """Store one response; answers maps question id to an option value. Return its id.

    The one place that checks an answer: unanswered questions are left out; at least one
    answer is needed. Raises SurveyClosed, NotAnOption (an unknown question or value),
    NoAnswer, or AlreadyAnswered for a phone that answered before: nothing is stored then.
    """
    check_response(db, survey, day, answers, device_key)
    phone_hash = respondent_hash(db, survey, device_key) if device_key else None
    with writing(db):
        if phone_hash and db.execute(
            "SELECT 1 FROM survey_response WHERE survey_id = ? AND respondent_hash = ?",
            [survey["id"], phone_hash],
        ).fetchone():
            raise AlreadyAnswered("this phone has answered this survey")
        response_id = new_row_id(db, "survey_response")
        db.execute(
            "INSERT INTO survey_response (id, survey_id, date, from_remembered_phone, "
            "respondent_hash, record_key) VALUES (?, ?, ?, ?, ?, ?)",
            [response_id, survey["id"], day.isoformat(), 1 if phone_hash else 0, phone_hash,
             stored_record_key()],
        )
        db.conn.executemany(
            "INSERT INTO survey_answer (response_id, question_id, value) VALUES (?, ?, ?)",
            [(response_id, q, v) for q, v in answers.items()],
        )
    return response_id


def results(db, survey_id, group=None, published=False):
    """Counts and shares per answer, for the whole survey (group None) or per period.

    Returns [{period, responses, from_remembered_phones, questions: [{id, text_sv,
    text_en, answered, options: [{value, sv, en, count, share}]}]}]; share is of the
    responses that answered that question (None when nobody did), rounded to 3 decimals.
    `published` (only for a survey that has closed, see may_publish): every number a sum of
    finest cells perturbed by the cell-key method (_published_results), each response one
    record; shares of the published counts of the question's answers.
    """
    survey = get_survey(db, survey_id)
    if survey is None:
        raise SurveyError(f"no survey {survey_id}")
    responses = db.execute(
        "SELECT id, date, from_remembered_phone, coalesce(record_key, 0) FROM survey_response "
        "WHERE survey_id = ? ORDER BY date", [survey_id]).fetchall()
    answers = {}
    for response_id, question_id, value in db.execute(
        "SELECT survey_answer.response_id, question_id, value FROM survey_answer "
        "JOIN survey_response ON survey_response.id = survey_answer.response_id "
        "WHERE survey_response.survey_id = ?", [survey_id]
    ):
        answers.setdefault(response_id, {})[question_id] = value
    periods = {}
    for response_id, date, remembered, key in responses:
        label = (f"{survey['opens']}–{survey['closes']}" if group is None
                 else period_of(dt.date.fromisoformat(date), group))
        periods.setdefault(label, []).append((remembered, answers.get(response_id, {}), key))

    if published and CONSISTENT:
        return _published_results(survey, periods)

    def count(rows):  # a count of responses, perturbed by their keys when published
        return publish_count(len(rows), sum(k for *_, k in rows)) if published else len(rows)

    if not periods and group is None:
        periods[f"{survey['opens']}–{survey['closes']}"] = []
    table = []
    for label, rows in periods.items():
        questions = []
        for question in survey["questions"]:
            given = [(a[question["id"]], k) for _, a, k in rows if question["id"] in a]
            counts = [count([g for g in given if g[0] == option["value"]])
                      for option in question["options"]]
            # Published shares are of the published counts, so they add up to 100 %.
            whole = sum(counts) if published else len(given)
            options = [{**option, "count": n, "share": round(n / whole, 3) if whole else None}
                       for option, n in zip(question["options"], counts, strict=True)]
            questions.append({"id": question["id"], "text_sv": question["text_sv"],
                              "text_en": question["text_en"], "answered": count(given),
                              "options": options})
        table.append({"period": label, "responses": count(rows),
                      "from_remembered_phones": count([r for r in rows if r[0]]),
                      "questions": questions})
    return table


def _published_results(survey, periods):
    """Published results of a whole survey, every number a sum of its finest cells: the
    responses with one and the same answer to every question (or none) and from a
    remembered phone or not, each cell perturbed on its own from its responses' keys. The
    responses, those from remembered phones, those who answered a question and each answer
    are sums of such cells, so no part is published differently from a whole with the same
    responses, nor above its whole; shares are of the published answer counts."""
    questions = survey["questions"]
    table = []
    for label, rows in periods.items():
        cells = {}
        for remembered, answers, key in rows:
            cell = (bool(remembered), tuple(answers.get(q["id"]) for q in questions))
            n, keys = cells.get(cell, (0, 0))
            cells[cell] = (n + 1, keys + key)
        published = {cell: publish_count(n, keys) for cell, (n, keys) in cells.items()}

        def total(where, published=published):
            return sum(v for cell, v in published.items() if where(*cell))

        out = []
        for i, question in enumerate(questions):
            counts = [total(lambda _r, pattern, i=i, v=option["value"]: pattern[i] == v)
                      for option in question["options"]]
            whole = sum(counts)
            out.append({"id": question["id"], "text_sv": question["text_sv"],
                        "text_en": question["text_en"], "answered": whole,
                        "options": [{**option, "count": n,
                                     "share": round(n / whole, 3) if whole else None}
                                    for option, n in zip(question["options"], counts,
                                                         strict=True)]})
        table.append({"period": label, "responses": total(lambda _r, _p: True),
                      "from_remembered_phones": total(lambda r, _p: r), "questions": out})
    return table


def may_publish(survey, today):
    """Published results are of whole surveys that have closed (no answer can come later)."""
    return survey["closes"] < today.isoformat()


def hide_small_answers(result, min_cell):
    """Exact results with small counts hidden, as in the figures exports: in each question a
    count from 1 to min_cell - 1 is written <N, and one more (..) so that it cannot be worked
    out from the number who answered; then no share is shown that would give one away."""
    for period in result:
        for column in ("responses", "from_remembered_phones"):
            if 0 < period[column] < min_cell:
                period[column] = f"{SMALL}{min_cell}"
        for question in period["questions"]:
            values = {o["value"]: o["count"] for o in question["options"]}
            values[ANSWERED] = question["answered"]
            hidden = suppress_small_cells(
                values, [([o["value"] for o in question["options"]], ANSWERED)], min_cell)
            question["answered"] = hidden.get(ANSWERED, question["answered"])
            for option in question["options"]:
                if option["value"] in hidden or ANSWERED in hidden:
                    option["share"] = None  # a share of a hidden count, or of a hidden whole
                option["count"] = hidden.get(option["value"], option["count"])
    return result


def remove_year_hashes(db, year):
    """The yearly close: responses to surveys opened in `year` or before lose their hash.

    `from_remembered_phone` stays, so results do not change. The caller holds the write.
    """
    return db.execute(
        "UPDATE survey_response SET respondent_hash = NULL WHERE respondent_hash IS NOT NULL "
        "AND survey_id IN (SELECT id FROM survey WHERE substr(opens, 1, 4) <= ?)",
        [f"{year:04d}"],
    ).rowcount


def response_count(db, survey_id):
    return db.execute("SELECT count(*) FROM survey_response WHERE survey_id = ?",
                      [survey_id]).fetchone()[0]


def check_question(question):
    """One question as create_survey takes it, checked; return (text_sv, text_en, kind, options)."""
    kind = question.get("kind", "choice")
    options = question.get("options") or (YES_PARTLY_NO if kind == "choice" else scale_options())
    text_sv = (question.get("text_sv") or "").strip()
    if not text_sv or len(text_sv) > TEXT_MAX:
        raise SurveyError("every question needs a Swedish text (at most 300 characters)")
    return text_sv, (question.get("text_en") or "").strip(), kind, _check_options(kind, options)


def _venue_while_unanswered(db, survey_id):
    """The survey's venue; SurveyError if it is unknown or has answers (then its questions
    cannot change: results stay whole)."""
    row = db.execute("SELECT venue_id FROM survey WHERE id = ?", [survey_id]).fetchone()
    if row is None:
        raise SurveyError(f"no survey {survey_id}")
    if response_count(db, survey_id):
        raise SurveyError("the survey has answers: its questions cannot change")
    return row[0]


def add_question(db, survey_id, question, *, user):
    """Add a question at the end while nobody has answered; return its id. The audit line is
    written in the same transaction."""
    text_sv, text_en, kind, options = check_question(question)
    with writing(db):
        venue_id = _venue_while_unanswered(db, survey_id)
        position = db.execute("SELECT coalesce(max(position), 0) + 1 FROM survey_question "
                              "WHERE survey_id = ?", [survey_id]).fetchone()[0]
        question_id = db.execute(
            "INSERT INTO survey_question (survey_id, position, text_sv, text_en, kind, options) "
            "VALUES (?,?,?,?,?,?)",
            [survey_id, position, text_sv, text_en, kind, json.dumps(options, ensure_ascii=False)],
        ).lastrowid
        audit.write(db, user, "survey question added", f"#{survey_id} question #{question_id}",
                    venue_id, {"id": survey_id})
    return question_id


def delete_question(db, survey_id, question_id, *, user):
    """Remove a question while nobody has answered; a survey keeps at least one. False if
    the survey has no such question; the audit line is written in the same transaction."""
    with writing(db):
        venue_id = _venue_while_unanswered(db, survey_id)
        if db.execute("SELECT count(*) FROM survey_question WHERE survey_id = ?",
                      [survey_id]).fetchone()[0] <= 1:
            raise SurveyError("a survey needs at least one question")
        if db.execute("DELETE FROM survey_question WHERE id = ? AND survey_id = ?",
                      [question_id, survey_id]).rowcount != 1:
            return False
        audit.write(db, user, "survey question removed",
                    f"#{survey_id} question #{question_id}", venue_id, {"id": survey_id})
    scrub_deletion(db)
    return True


def set_details(db, survey_id, *, title_sv, title_en, opens, closes, user):
    """Change the titles and dates (closing early is moving `closes` to yesterday), with the
    audit line in the same transaction."""
    title_sv = (title_sv or "").strip()
    if not title_sv or len(title_sv) > TEXT_MAX or len(title_en or "") > TEXT_MAX:
        raise SurveyError("the survey needs a Swedish title (at most 300 characters)")
    if closes < opens:
        raise SurveyError("the survey closes before it opens")
    with writing(db):
        old = db.execute("SELECT * FROM survey WHERE id = ?", [survey_id]).fetchone()
        if old:
            # Only the days it gains are checked, so closing early always works, even
            # where two surveys overlapped before this rule.
            old_opens = dt.date.fromisoformat(old["opens"])
            old_closes = dt.date.fromisoformat(old["closes"])
            gained = [(opens, min(closes, old_opens - dt.timedelta(days=1))),
                      (max(opens, old_closes + dt.timedelta(days=1)), closes)]
            for first, last in gained:
                other = first <= last and overlapping_survey(
                    db, old["venue_id"], first, last, survey_id)
                if other:
                    raise SurveysOverlap(other)
        if old is None:
            return
        db.execute("UPDATE survey SET title_sv = ?, title_en = ?, opens = ?, closes = ? "
                   "WHERE id = ?", [title_sv, (title_en or "").strip(), opens.isoformat(),
                                    closes.isoformat(), survey_id])
        audit.write(db, user, "survey changed", f"#{survey_id} {opens}–{closes}",
                    old["venue_id"], {"id": survey_id, "opens": opens, "closes": closes})


def close_survey(db, survey_id, *, last_day, user):
    """End a survey early: `last_day` (yesterday) becomes its last day, with its audit line in
    the same transaction. Only a shorter survey, so no overlap to check; False if unknown."""
    with writing(db):
        row = db.execute("SELECT venue_id FROM survey WHERE id = ?", [survey_id]).fetchone()
        if row is None:
            return False
        db.execute("UPDATE survey SET closes = ? WHERE id = ?",
                   [last_day.isoformat(), survey_id])
        audit.write(db, user, "survey closed", f"#{survey_id}", row[0], {"id": survey_id})
    return True


def delete_survey(db, survey_id, *, user):
    """Delete a survey nobody has answered (answers are figures and stay), with its audit
    line in the same transaction; False if there is no such survey."""
    with writing(db):
        if response_count(db, survey_id):
            raise SurveyError("the survey has answers and cannot be deleted")
        row = db.execute("SELECT venue_id FROM survey WHERE id = ?", [survey_id]).fetchone()
        if row is None:
            return False
        db.execute("DELETE FROM survey WHERE id = ?", [survey_id])
        audit.write(db, user, "survey deleted", f"#{survey_id}", row[0], {"id": survey_id})
    scrub_deletion(db)
    return True


def results_table(result):
    """surveys.results as rows for exports.write: one row per period, question and answer."""
    columns = ["period", "responses", "from_remembered_phones", "question", "answer", "count",
               "share_percent"]
    rows = []
    for period in result:
        for question in period["questions"]:
            for option in question["options"]:
                share = "" if option["share"] is None else round(option["share"] * 100, 1)
                rows.append({"period": period["period"], "responses": period["responses"],
                             "from_remembered_phones": period["from_remembered_phones"],
                             "question": question["text_sv"], "answer": option["sv"],
                             "count": option["count"], "share_percent": share})
    return columns, rows


def year_hashes(db, year):
    """The respondent hashes the yearly close of `year` removes (surveys opened by then)."""
    return [row[0] for row in db.execute(
        "SELECT respondent_hash FROM survey_response WHERE respondent_hash IS NOT NULL "
        "AND survey_id IN (SELECT id FROM survey WHERE substr(opens, 1, 4) <= ?)",
        [f"{year:04d}"])]


def kept_hashes(db):
    """Every respondent hash still kept."""
    return [row[0] for row in db.execute("SELECT DISTINCT respondent_hash FROM survey_response")
            if row[0]]
