"""Issue 23, item 1, for published survey results: no published part betrays its whole.

Published survey results give the responses, those from remembered phones, those who
answered each question and each answer. With each count perturbed on its own, the reader
of issue 23 (the same responses always get the same value, so a part published differently
from its whole holds fewer responses) pins true 1s and 2s: an answer published 3 beside the
question's answered published 0 is exactly 1 of exactly 2. Now every published number is the
sum of the finest cells (the responses with one and the same answer to every question, or
none, from a remembered phone or not), each perturbed on its own.

Here that reader gets the published results of 1,000 closed surveys, each at a venue of its
own, answered with the project's own functions (one to six responses, remembered phones and
not, two questions, some skipped). It knows the perturbation table and every rule that ties
the numbers together (the answers add up to those who answered, who answered and who came
from remembered phones are no more than the responses, a part differs from its whole only
when it holds fewer responses; after the fix also that every number is a sum of published
cells, so the responses less those who answered a question, and less those from remembered
phones, are published sums too). It narrows every number to the true values left and counts
the true 1s and 2s left with one value. `pytest -s` prints the rates.
"""

import datetime as dt
import os
import random
from functools import cache
from itertools import product
from math import inf

import pytest

from checkin.feedback import surveys
from checkin.publishing import cell_key as ck

SURVEYS = 1000
PINNED_AT_MOST = 0.003  # of the numbers with a true 1 or 2, after the fix
MOST = 6  # responses a survey gets at most; the reader is told (it only helps the reader)
OPENS, CLOSES = dt.date(2025, 3, 3), dt.date(2025, 3, 9)
OPTIONS = ("yes", "partly", "no")


def _single_support():
    out = {}
    for true in range(MOST + 3):
        for published, _lo, _hi in ck.ptable_row(true):
            out.setdefault(published, set()).add(true)
    return out


SINGLE = _single_support()  # a count perturbed on its own: published -> the true values


@cache
def _lowest_sum(value):
    """The lowest true sum of cells whose published values (0, or 3 and up) add up to
    `value`; a cell published 0 may hold nobody, so it adds nothing to the lowest."""
    if value == 0:
        return 0
    return min((min(SINGLE[p]) + _lowest_sum(value - p)
                for p in range(3, value + 1) if p in SINGLE), default=inf)


def support(value, summed):
    """The true values a published value can come from (within 0..MOST)."""
    if not summed:
        return sorted(t for t in SINGLE.get(value, ()) if t <= MOST)
    return list(range(_lowest_sum(value), MOST + 1))


def same_records_rule(part_true, whole_true, part_pub, whole_pub):
    """A part of a whole (a subset of its responses) with as many responses has the same
    responses, so the same published value."""
    return part_true < whole_true or part_pub == whole_pub


def read(result, summed):
    """{name: the set of true values the reader is left with} for one survey's results."""
    [period] = result
    r_pub, m_pub = period["responses"], period["from_remembered_phones"]
    questions = [(q["answered"], [o["count"] for o in q["options"]])
                 for q in period["questions"]]
    possible = {}

    def note(name, value):
        possible.setdefault(name, set()).add(value)

    for r in support(r_pub, summed):
        ms = [m for m in support(m_pub, summed) if m <= r
              and same_records_rule(m, r, m_pub, r_pub)
              and (not summed or r - m in support(r_pub - m_pub, True))]
        per_question = []
        for a_pub, o_pubs in questions:
            found = []
            for os_ in product(*(support(p, summed) for p in o_pubs)):
                a = sum(os_)
                if a > r or a not in support(a_pub, summed):
                    continue
                if not same_records_rule(a, r, a_pub, r_pub):
                    continue
                if summed and r - a not in support(r_pub - a_pub, True):
                    continue
                if not all(same_records_rule(o, a, p, a_pub)
                           and same_records_rule(o, r, p, r_pub)
                           for o, p in zip(os_, o_pubs, strict=True)):
                    continue
                found.append((a, os_))
            per_question.append(found)
        if not ms or not all(per_question):
            continue
        note("responses", r)
        for m in ms:
            note("remembered", m)
        for i, found in enumerate(per_question):
            for a, os_ in found:
                note(f"q{i} answered", a)
                for option, o in zip(OPTIONS, os_, strict=True):
                    note(f"q{i} {option}", o)
    return possible


def truth(result):
    [period] = result
    out = {"responses": period["responses"], "remembered": period["from_remembered_phones"]}
    for i, q in enumerate(period["questions"]):
        out[f"q{i} answered"] = q["answered"]
        for option in q["options"]:
            out[f"q{i} {option['value']}"] = option["count"]
    return out


@pytest.fixture(scope="module")
def answered(tmp_path_factory):
    """SURVEYS closed surveys, each at its own venue, answered as people would."""
    from checkin.db import connect, migrate

    path = tmp_path_factory.mktemp("survey-part-whole") / "checkin.db"
    db = connect(str(path))
    migrate(db)
    db.execute("PRAGMA synchronous = OFF")
    rng = random.Random(23)
    out = []
    for v in range(SURVEYS):
        venue = db.execute("INSERT INTO venue (slug, name, door_key) VALUES (?, ?, ?)",
                           [f"v{v:04d}", f"V{v}", os.urandom(8).hex()]).lastrowid
        db.conn.commit()
        survey_id = surveys.create_survey(
            db, venue_id=venue, title_sv="Enkät", opens=OPENS, closes=CLOSES,
            questions=[{"text_sv": "Fråga 1", "kind": "choice"},
                       {"text_sv": "Fråga 2", "kind": "choice"}], user=None)
        survey = surveys.get_survey(db, survey_id)
        ids = [q["id"] for q in survey["questions"]]
        for _ in range(rng.randint(1, MOST)):
            answers = {q: rng.choice(OPTIONS) for q in ids if rng.random() < 0.8}
            answers = answers or {ids[0]: rng.choice(OPTIONS)}
            phone = os.urandom(16).hex() if rng.random() < 0.6 else None
            surveys.record_response(db, survey, OPENS + dt.timedelta(days=rng.randrange(7)),
                                    answers, phone)
        out.append(survey_id)
    yield db, out
    db.close()


def _pins(db, survey_ids, summed):
    cells = pinned = wrong = 0
    for survey_id in survey_ids:
        true = truth(surveys.results(db, survey_id))
        published = surveys.results(db, survey_id, published=True)
        left = read(published, summed)
        for name, value in true.items():
            if value not in left.get(name, ()):
                wrong += 1
            if value in (1, 2):
                cells += 1
                pinned += left.get(name) == {value}
    return cells, pinned, wrong


@pytest.mark.slow
def test_no_published_survey_number_pins_a_true_one_or_two(answered, monkeypatch):
    db, survey_ids = answered
    monkeypatch.setattr(surveys, "CONSISTENT", False)
    before = _pins(db, survey_ids, summed=False)
    monkeypatch.setattr(surveys, "CONSISTENT", True)
    after = _pins(db, survey_ids, summed=True)
    for label, (cells, pinned, wrong) in (("before", before), ("after", after)):
        print(f"{label}: {cells} numbers with a true 1 or 2, {pinned} pinned "
              f"({100 * pinned / cells:.1f} %), reader wrong {wrong}")
    assert before[2] == 0 and after[2] == 0  # the reader is never wrong
    assert before[1] > 0  # each count perturbed on its own gave some away
    # Summed cells leave a few: in 23 runs (new phone keys and secrets each time) none in 20,
    # 4 to 6 of 5,005 in 3. The staff page says "at most a few in a thousand".
    assert after[1] <= PINNED_AT_MOST * after[0] and after[1] * 10 <= before[1]


@pytest.mark.slow
def test_published_survey_numbers_add_up(answered):
    db, survey_ids = answered
    for survey_id in survey_ids[:100]:
        [period] = surveys.results(db, survey_id, published=True)
        assert period["from_remembered_phones"] <= period["responses"]
        for q in period["questions"]:
            assert q["answered"] == sum(o["count"] for o in q["options"]) <= (
                period["responses"])
            shares = [o["share"] for o in q["options"] if o["share"] is not None]
            assert not shares or abs(sum(shares) - 1) < 0.01
            assert all(o["count"] == 0 or o["count"] >= 3 for o in q["options"])
