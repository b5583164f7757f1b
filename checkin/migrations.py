"""Numbered, append-only migrations: never edit one that has shipped, add the next."""

import secrets

from sqlite_utils.migrations import Migrations

from checkin.row_ids import ROW_ID_MAX

migrations = Migrations("checkin")


def _run(db, script):
    # executescript() would commit the migration's transaction half-way, so run one by one.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations(name="m001_initial")
def m001_initial(db):
    _run(
        db,
        """
        CREATE TABLE venue (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            organisation TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            timezone TEXT NOT NULL DEFAULT 'Europe/Stockholm',
            opening_days TEXT NOT NULL DEFAULT '0,1,2,3,4',
            door_key TEXT NOT NULL UNIQUE
        );
        CREATE TABLE activity (
            id INTEGER PRIMARY KEY,
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            name_sv TEXT NOT NULL,
            name_en TEXT NOT NULL DEFAULT '',
            description_sv TEXT NOT NULL DEFAULT '',
            description_en TEXT NOT NULL DEFAULT '',
            pictogram TEXT NOT NULL DEFAULT 'people',
            address TEXT NOT NULL DEFAULT '',          -- empty: on site
            counted INTEGER NOT NULL DEFAULT 1,        -- 0: open to everyone, no figures
            active INTEGER NOT NULL DEFAULT 1,
            UNIQUE (venue_id, name_sv)
        );
        -- A weekly recurring time: weekday 0 = Monday.
        CREATE TABLE slot (
            id INTEGER PRIMARY KEY,
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            activity_id INTEGER NOT NULL REFERENCES activity(id),
            weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
            start TEXT NOT NULL,                       -- 'HH:MM', local time
            "end" TEXT NOT NULL,
            valid_from TEXT NOT NULL DEFAULT '2000-01-01',
            valid_until TEXT                           -- inclusive; NULL: no end
        );
        -- One occurrence of a slot cancelled or moved, with a note visitors see.
        CREATE TABLE slot_change (
            id INTEGER PRIMARY KEY,
            slot_id INTEGER NOT NULL REFERENCES slot(id),
            date TEXT NOT NULL,                        -- the occurrence's original date
            cancelled INTEGER NOT NULL DEFAULT 0,
            new_date TEXT,
            new_start TEXT,
            new_end TEXT,
            note_sv TEXT NOT NULL DEFAULT '',
            note_en TEXT NOT NULL DEFAULT '',
            UNIQUE (slot_id, date)
        );
        -- A one-off event (Framtidsverkstad, Christmas party).
        CREATE TABLE event (
            id INTEGER PRIMARY KEY,
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            activity_id INTEGER NOT NULL REFERENCES activity(id),
            date TEXT NOT NULL,
            start TEXT NOT NULL,
            "end" TEXT NOT NULL,
            note_sv TEXT NOT NULL DEFAULT '',
            note_en TEXT NOT NULL DEFAULT ''
        );
        -- One visit. Never a name, an address, a device or a time finer than the hour.
        CREATE TABLE visit (
            id INTEGER PRIMARY KEY,
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            activity_id INTEGER REFERENCES activity(id),
            date TEXT NOT NULL,                        -- local date, YYYY-MM-DD
            hour INTEGER CHECK (hour BETWEEN 0 AND 23),  -- NULL for tallies
            gender TEXT CHECK (gender IN ('woman', 'man', 'other', 'unstated')),  -- NULL: skipped
            source TEXT NOT NULL CHECK (source IN ('qr', 'kiosk', 'tally')),
            person_hash TEXT                           -- yearly keyed hash of an opt-in phone key
        );
        CREATE UNIQUE INDEX visit_one_a_day ON visit (venue_id, date, person_hash);
        CREATE INDEX visit_venue_date ON visit (venue_id, date);
        -- The secret behind the keyed hash, one per calendar year.
        CREATE TABLE year_key (
            year INTEGER PRIMARY KEY,
            secret TEXT NOT NULL
        );
        """
    )


@migrations(name="m002_staff")
def m002_staff(db):
    _run(
        db,
        """
        -- A staff account. Usernames are fine to keep; nothing here is about visitors.
        CREATE TABLE staff_user (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('viewer', 'staff', 'admin')),
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        -- Venues a staff account may work with; no rows: every venue.
        CREATE TABLE user_venue (
            user_id INTEGER NOT NULL REFERENCES staff_user(id) ON DELETE CASCADE,
            venue_id INTEGER NOT NULL REFERENCES venue(id) ON DELETE CASCADE,
            PRIMARY KEY (user_id, venue_id)
        );
        -- A logged-in staff session; the cookie holds a random token, we keep only its hash.
        CREATE TABLE staff_session (
            id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES staff_user(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            last_seen TEXT NOT NULL
        );
        -- A tablet at the door: its long-lived cookie holds a token, we keep only its hash.
        CREATE TABLE kiosk (
            id INTEGER PRIMARY KEY,
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            token_hash TEXT NOT NULL UNIQUE,
            label TEXT NOT NULL DEFAULT '',
            created_by INTEGER REFERENCES staff_user(id),
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        -- Who changed what, when: staff actions only, never visitors.
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_id INTEGER REFERENCES staff_user(id),
            username TEXT NOT NULL,
            venue_id INTEGER REFERENCES venue(id),
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX audit_log_at ON audit_log (at)
        """
    )


@migrations(name="m003_figures")
def m003_figures(db):
    _run(
        db,
        """
        -- Each file of counts kept before, so the same file is not imported twice.
        CREATE TABLE tally_import (
            id INTEGER PRIMARY KEY,
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            sha256 TEXT NOT NULL,
            filename TEXT NOT NULL DEFAULT '',
            rows INTEGER NOT NULL,
            visits INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        );
        CREATE INDEX tally_import_sha256 ON tally_import (sha256);
        -- The yearly report's narrative, written by staff.
        CREATE TABLE report_narrative (
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            year INTEGER NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            updated_by TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (venue_id, year)
        );
        -- Every figure reads these columns for one venue and a date range: answer from the index.
        CREATE INDEX visit_figures ON visit
            (venue_id, date, activity_id, gender, source, person_hash, hour)
        """
    )


@migrations(name="m005_feedback")
def m005_feedback(db):
    _run(
        db,
        """
        -- One smiley tap. Never linked to a visit or a phone: no hour, no hash.
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            activity_id INTEGER REFERENCES activity(id),   -- only if the visitor chose it
            date TEXT NOT NULL,                            -- local date, YYYY-MM-DD
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
            text TEXT,                                     -- optional; purged after retention
            hidden INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX feedback_venue_date ON feedback (venue_id, date);
        CREATE TABLE survey (
            id INTEGER PRIMARY KEY,
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            title_sv TEXT NOT NULL,
            title_en TEXT NOT NULL DEFAULT '',
            opens TEXT NOT NULL,                           -- first day, inclusive
            closes TEXT NOT NULL                           -- last day, inclusive
        );
        CREATE TABLE survey_question (
            id INTEGER PRIMARY KEY,
            survey_id INTEGER NOT NULL REFERENCES survey(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            text_sv TEXT NOT NULL,
            text_en TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL CHECK (kind IN ('choice', 'scale')),
            options TEXT NOT NULL                          -- JSON [{"value", "sv", "en"}]
        );
        -- respondent_hash: HMAC(year secret, "survey:<id>:<phone key>") for remembered phones,
        -- a purpose of its own so it can never be joined to visits.
        CREATE TABLE survey_response (
            id INTEGER PRIMARY KEY,
            survey_id INTEGER NOT NULL REFERENCES survey(id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            from_remembered_phone INTEGER NOT NULL DEFAULT 0,
            respondent_hash TEXT,
            UNIQUE (survey_id, respondent_hash)
        );
        CREATE TABLE survey_answer (
            response_id INTEGER NOT NULL REFERENCES survey_response(id) ON DELETE CASCADE,
            question_id INTEGER NOT NULL REFERENCES survey_question(id) ON DELETE CASCADE,
            value TEXT NOT NULL,
            PRIMARY KEY (response_id, question_id)
        );
        CREATE TABLE idea (
            id INTEGER PRIMARY KEY,
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            text TEXT NOT NULL,
            created_date TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'considering', 'planned', 'done', 'not_possible')),
            answer_sv TEXT NOT NULL DEFAULT '',
            answer_en TEXT NOT NULL DEFAULT '',
            published INTEGER NOT NULL DEFAULT 0,
            rejected INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX idea_venue ON idea (venue_id, published);
        -- voter_hash: HMAC(year secret, "idea:<id>:<phone key>"), one vote per idea and phone.
        CREATE TABLE idea_vote (
            idea_id INTEGER NOT NULL REFERENCES idea(id) ON DELETE CASCADE,
            voter_hash TEXT NOT NULL,
            UNIQUE (idea_id, voter_hash)
        )
        """
    )


@migrations(name="m007_fbstaff")
def m007_fbstaff(db):
    _run(
        db,
        """
        -- Settings staff change on the pages, e.g. retention_months; one value per key.
        CREATE TABLE setting (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """
    )


@migrations(name="m008_yearclose")
def m008_yearclose(db):
    _run(
        db,
        """
        -- A year whose secret the yearly close deleted: no hash of it can be made again.
        CREATE TABLE closed_year (
            year INTEGER PRIMARY KEY,
            closed_on TEXT NOT NULL                    -- local date of the close
        );
        -- Persons reached, counted at the close from the hashes it then set to NULL: per venue,
        -- range of days, scope ('all' activities, 'none' = no activity, or one 'activity').
        CREATE TABLE frozen_persons (
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            first_day TEXT NOT NULL,
            last_day TEXT NOT NULL,
            scope TEXT NOT NULL CHECK (scope IN ('all', 'none', 'activity')),
            activity_id INTEGER REFERENCES activity(id),
            women INTEGER NOT NULL,
            men INTEGER NOT NULL,
            other INTEGER NOT NULL,
            unstated INTEGER NOT NULL,
            total INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX frozen_persons_range ON frozen_persons
            (venue_id, first_day, last_day, scope, coalesce(activity_id, 0));
        -- 1: the visit came from a remembered phone whose hash the yearly close removed, so
        -- it still counts as linked (visits_unlinked stays what it was).
        ALTER TABLE visit ADD COLUMN hash_removed INTEGER NOT NULL DEFAULT 0;
        DROP INDEX visit_figures;
        CREATE INDEX visit_figures ON visit
            (venue_id, date, activity_id, gender, source, person_hash, hour, hash_removed)
        """
    )



@migrations(name="m009_bench")
def m009_bench(db):
    # The schedule's version: every write to activity, slot, slot_change or event bumps n,
    # whoever makes it (a staff edit, an import, another process), so check_in_choices can
    # keep today's choices in memory and still never show a stale programme. token tells
    # databases apart. A later migration that rebuilds one of these tables must create its
    # triggers again (tests/test_schedule.py checks that all twelve are there).
    _run(
        db,
        """
        CREATE TABLE schedule_version (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            token TEXT NOT NULL,
            n INTEGER NOT NULL
        );
        INSERT INTO schedule_version (id, token, n) VALUES (1, lower(hex(randomblob(16))), 0);
        CREATE TRIGGER activity_insert_bumps_schedule AFTER INSERT ON activity
            BEGIN UPDATE schedule_version SET n = n + 1; END;
        CREATE TRIGGER activity_update_bumps_schedule AFTER UPDATE ON activity
            BEGIN UPDATE schedule_version SET n = n + 1; END;
        CREATE TRIGGER activity_delete_bumps_schedule AFTER DELETE ON activity
            BEGIN UPDATE schedule_version SET n = n + 1; END;
        CREATE TRIGGER slot_insert_bumps_schedule AFTER INSERT ON slot
            BEGIN UPDATE schedule_version SET n = n + 1; END;
        CREATE TRIGGER slot_update_bumps_schedule AFTER UPDATE ON slot
            BEGIN UPDATE schedule_version SET n = n + 1; END;
        CREATE TRIGGER slot_delete_bumps_schedule AFTER DELETE ON slot
            BEGIN UPDATE schedule_version SET n = n + 1; END;
        CREATE TRIGGER slot_change_insert_bumps_schedule AFTER INSERT ON slot_change
            BEGIN UPDATE schedule_version SET n = n + 1; END;
        CREATE TRIGGER slot_change_update_bumps_schedule AFTER UPDATE ON slot_change
            BEGIN UPDATE schedule_version SET n = n + 1; END;
        CREATE TRIGGER slot_change_delete_bumps_schedule AFTER DELETE ON slot_change
            BEGIN UPDATE schedule_version SET n = n + 1; END;
        CREATE TRIGGER event_insert_bumps_schedule AFTER INSERT ON event
            BEGIN UPDATE schedule_version SET n = n + 1; END;
        CREATE TRIGGER event_update_bumps_schedule AFTER UPDATE ON event
            BEGIN UPDATE schedule_version SET n = n + 1; END;
        CREATE TRIGGER event_delete_bumps_schedule AFTER DELETE ON event
            BEGIN UPDATE schedule_version SET n = n + 1; END;
        """,
    )


@migrations(name="m010_hours_only")
def m010_hours_only(db):
    # Staff times written before they were kept to the hour: a tally line or a session's last
    # click to the second could date the visitor who had just been counted.
    _run(
        db,
        """
        UPDATE audit_log SET at = substr(at, 1, 13) || ':00+00:00'
            WHERE length(at) > 13 AND substr(at, 15, 2) != '00';
        UPDATE staff_session SET created_at = substr(created_at, 1, 13) || ':00:00+00:00',
            last_seen = substr(last_seen, 1, 13) || ':00:00+00:00'
        """,
    )


@migrations(name="m011_record_keys")
def m011_record_keys(db):
    # The cell-key method (docs/figures.md): every visit, rating and survey response gets a
    # random record key, the integer k * 2**32 of a key k in [0, 1), never shown. Rows stored
    # before get one now. Code sets it at insert (checkin/figures/cell_key.py); a trigger gives
    # one to any row inserted without it, so no row is ever left out of a cell key. The yearly
    # close keeps, beside each frozen person count, the sum of its persons' keys (mod 2**32);
    # rows frozen before this migration get a random one, as their hashes are gone.
    _run(
        db,
        """
        ALTER TABLE visit ADD COLUMN record_key INTEGER;
        UPDATE visit SET record_key = random() & 4294967295;
        CREATE TRIGGER visit_gets_a_record_key AFTER INSERT ON visit
            WHEN NEW.record_key IS NULL BEGIN
            UPDATE visit SET record_key = random() & 4294967295 WHERE rowid = NEW.rowid; END;
        ALTER TABLE feedback ADD COLUMN record_key INTEGER;
        UPDATE feedback SET record_key = random() & 4294967295;
        CREATE TRIGGER feedback_gets_a_record_key AFTER INSERT ON feedback
            WHEN NEW.record_key IS NULL BEGIN
            UPDATE feedback SET record_key = random() & 4294967295 WHERE rowid = NEW.rowid; END;
        ALTER TABLE survey_response ADD COLUMN record_key INTEGER;
        UPDATE survey_response SET record_key = random() & 4294967295;
        CREATE TRIGGER survey_response_gets_a_record_key AFTER INSERT ON survey_response
            WHEN NEW.record_key IS NULL BEGIN
            UPDATE survey_response SET record_key = random() & 4294967295
            WHERE rowid = NEW.rowid; END;
        ALTER TABLE frozen_persons ADD COLUMN women_key INTEGER;
        ALTER TABLE frozen_persons ADD COLUMN men_key INTEGER;
        ALTER TABLE frozen_persons ADD COLUMN other_key INTEGER;
        ALTER TABLE frozen_persons ADD COLUMN unstated_key INTEGER;
        ALTER TABLE frozen_persons ADD COLUMN total_key INTEGER;
        UPDATE frozen_persons SET women_key = random() & 4294967295,
            men_key = random() & 4294967295, other_key = random() & 4294967295,
            unstated_key = random() & 4294967295, total_key = random() & 4294967295
        """,
    )


@migrations(name="m012_used_tokens_pending_steps_door_limits")
def m012_used_tokens_pending_steps_door_limits(db):
    # Replay, forged phone codes and floods (issue 12) and cookies that name no row (issue 13).
    _run(
        db,
        """
        -- One-time form tokens already spent: a replayed page changes nothing. The token is
        -- signed (visits/once.py); only its random part is kept, until its day is over.
        CREATE TABLE used_form (
            nonce TEXT PRIMARY KEY,
            day TEXT NOT NULL                          -- local date the token was made for
        ) WITHOUT ROWID;
        CREATE INDEX used_form_day ON used_form (day);
        -- What a browser needs between two steps (answer a question after checking in, write a
        -- text after a face). Its cookie holds a random reference; we keep only the hash.
        CREATE TABLE pending_step (
            ref_hash TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('visit', 'feedback')),
            row_id INTEGER NOT NULL,
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            until_hour INTEGER NOT NULL,               -- hours since 1970 (UTC): forgotten then
            data TEXT NOT NULL DEFAULT '{}'
        ) WITHOUT ROWID;
        -- A secret for one purpose each: 'phone code' signs the codes phones keep.
        CREATE TABLE server_secret (
            purpose TEXT PRIMARY KEY,
            secret TEXT NOT NULL
        );
        INSERT INTO server_secret (purpose, secret)
            VALUES ('phone code', lower(hex(randomblob(32))));
        -- Per venue, check-ins a door (QR) and each kiosk may make; NULL: the setting's default.
        CREATE TABLE door_limit (
            venue_id INTEGER PRIMARY KEY REFERENCES venue(id),
            qr_per_minute INTEGER CHECK (qr_per_minute > 0),
            qr_per_day INTEGER CHECK (qr_per_day > 0),
            kiosk_per_minute INTEGER CHECK (kiosk_per_minute > 0),
            kiosk_per_day INTEGER CHECK (kiosk_per_day > 0)
        )
        """,
    )


@migrations(name="m013_set_aside")
def m013_set_aside(db):
    # Check-ins of an hour or a day that no real door produced (a flood), set aside by an
    # admin: kept, so the decision can be reversed, but left out of every figure and export.
    _run(
        db,
        """
        CREATE TABLE set_aside (
            id INTEGER PRIMARY KEY,
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            date TEXT NOT NULL,                        -- local date of the check-ins
            hour INTEGER CHECK (hour BETWEEN 0 AND 23),  -- NULL: the whole day
            visits INTEGER NOT NULL,                   -- how many check-ins it set aside
            reason TEXT NOT NULL,
            set_by TEXT NOT NULL,
            set_at TEXT NOT NULL,                      -- UTC, to the hour like the audit log
            brought_back_by TEXT,                      -- NULL while the check-ins stay aside
            brought_back_at TEXT
        );
        CREATE INDEX set_aside_venue_date ON set_aside (venue_id, date);
        -- NULL: the visit counts. Only QR and kiosk check-ins are ever set aside.
        ALTER TABLE visit ADD COLUMN set_aside_id INTEGER REFERENCES set_aside(id);
        DROP INDEX visit_figures;
        CREATE INDEX visit_figures ON visit (venue_id, date, activity_id, gender, source,
            person_hash, hour, hash_removed, set_aside_id)
        """
    )


# m014: for each table, how to read its ids and how to move one id (children first).
_RENUMBER = {
    "visit": ("SELECT id FROM visit", ["UPDATE visit SET id = ? WHERE id = ?"]),
    "feedback": ("SELECT id FROM feedback", ["UPDATE feedback SET id = ? WHERE id = ?"]),
    "survey_response": ("SELECT id FROM survey_response", [
        "UPDATE survey_answer SET response_id = ? WHERE response_id = ?",
        "UPDATE survey_response SET id = ? WHERE id = ?"]),
}
_REFERENCES = {("survey_answer", "response_id", "survey_response")}


def _renumber(db, table):
    """Give every row of `table` a random id (row_ids.py), in every column that points to it;
    the caller has deferred foreign keys to the commit."""
    select, updates = _RENUMBER[table]
    old = [row[0] for row in db.execute(select)]
    fresh, taken = [], set(old)
    while len(fresh) < len(old):
        candidate = secrets.randbelow(ROW_ID_MAX) + 1
        if candidate not in taken:  # never an id still in use: the updates cannot collide
            taken.add(candidate)
            fresh.append(candidate)
    pairs = list(zip(fresh, old, strict=True))
    for update in updates:
        db.conn.executemany(update, pairs)


@migrations(name="m014_random_row_ids")
def m014_random_row_ids(db):
    # Ids counted up kept the order visitors came in: ids 2200–2203 were four visits of hour 19,
    # in order, and feedback and survey rows likewise. Every visit, smiley (and its text) and
    # survey response gets a random id, and so does every new row from now on (row_ids.py).
    # Ideas keep theirs: a phone's vote is stored as a hash of "idea:<id>", and a new id would
    # let every phone vote again; new ideas get random ids. Survey answers and idea votes had
    # a hidden rowid in arrival order: they are rebuilt WITHOUT ROWID, kept in key order.
    references = {(name, fk.column, fk.other_table) for name in db.table_names()
                  for fk in db[name].foreign_keys if fk.other_table in _RENUMBER}
    if references != _REFERENCES:  # a column this migration would leave pointing nowhere
        raise RuntimeError(f"m014 does not know how to renumber {references - _REFERENCES}")
    db.execute("PRAGMA defer_foreign_keys = ON")  # parents and children agree again at commit
    for table in _RENUMBER:
        _renumber(db, table)
    _run(
        db,
        """
        CREATE TABLE survey_answer_keyed (
            response_id INTEGER NOT NULL REFERENCES survey_response(id) ON DELETE CASCADE,
            question_id INTEGER NOT NULL REFERENCES survey_question(id) ON DELETE CASCADE,
            value TEXT NOT NULL,
            PRIMARY KEY (response_id, question_id)
        ) WITHOUT ROWID;
        INSERT INTO survey_answer_keyed (response_id, question_id, value)
            SELECT response_id, question_id, value FROM survey_answer;
        DROP TABLE survey_answer;
        ALTER TABLE survey_answer_keyed RENAME TO survey_answer;
        -- voter_hash: HMAC(year secret, "idea:<id>:<phone key>"), one vote per idea and phone.
        CREATE TABLE idea_vote_keyed (
            idea_id INTEGER NOT NULL REFERENCES idea(id) ON DELETE CASCADE,
            voter_hash TEXT NOT NULL,
            PRIMARY KEY (idea_id, voter_hash)
        ) WITHOUT ROWID;
        INSERT INTO idea_vote_keyed (idea_id, voter_hash) SELECT idea_id, voter_hash FROM idea_vote;
        DROP TABLE idea_vote;
        ALTER TABLE idea_vote_keyed RENAME TO idea_vote
        """,
    )


@migrations(name="m015_undoable_imports_event_places_audit_facts")
def m015_undoable_imports_event_places_audit_facts(db):
    # import_id: which file of counts kept before made a tallied visit, so undoing that import
    # removes exactly its visits, and a − on the tally page never takes one of them away.
    # Rows imported before this migration keep NULL: they cannot be told apart any more.
    # event.address: a one-off event held elsewhere names its place in the event itself.
    # audit_log.facts: what a line is about as JSON, so the log can say it in a sentence in
    # the reader's language; older lines keep their English detail.
    _run(
        db,
        """
        ALTER TABLE visit ADD COLUMN import_id INTEGER REFERENCES tally_import(id);
        CREATE INDEX visit_import ON visit (import_id) WHERE import_id IS NOT NULL;
        ALTER TABLE tally_import ADD COLUMN undone INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE event ADD COLUMN address TEXT NOT NULL DEFAULT '';
        ALTER TABLE audit_log ADD COLUMN facts TEXT NOT NULL DEFAULT '{}'
        """,
    )


@migrations(name="m017_audit_times_to_the_hour")
def m017_audit_times_to_the_hour(db):
    # m010 looked only at the minutes, so a time on the hour with seconds (10:00:33) kept them.
    _run(
        db,
        """
        UPDATE audit_log SET at = substr(at, 1, 13) || ':00+00:00'
            WHERE length(at) > 13 AND at != substr(at, 1, 13) || ':00+00:00'
        """,
    )


@migrations(name="m018_screens_and_idea_changes")
def m018_screens_and_idea_changes(db):
    _run(
        db,
        """
        -- A screen on the venue's wall ("Nu och sen"): its cookie holds a random token, we
        -- keep only its hash. It shows the door's QR code, so only a screen staff set up may.
        CREATE TABLE screen (
            id INTEGER PRIMARY KEY,
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            token_hash TEXT NOT NULL UNIQUE,
            label TEXT NOT NULL DEFAULT '',
            lang TEXT NOT NULL DEFAULT 'sv' CHECK (lang IN ('sv', 'en')),
            created_by INTEGER REFERENCES staff_user(id),
            created_on TEXT NOT NULL,                  -- local date, no time
            revoked_on TEXT
        );
        CREATE INDEX screen_venue ON screen (venue_id);
        -- What changed in the programme because of an idea, for the sheet on the wall: a short
        -- text and, optionally, the activity that came of it. answered_on: the day staff last
        -- changed its status, answer or change (a date, never a time).
        ALTER TABLE idea ADD COLUMN change_sv TEXT NOT NULL DEFAULT '';
        ALTER TABLE idea ADD COLUMN change_en TEXT NOT NULL DEFAULT '';
        ALTER TABLE idea ADD COLUMN activity_id INTEGER REFERENCES activity(id);
        ALTER TABLE idea ADD COLUMN answered_on TEXT
        """,
    )


@migrations(name="m016_sessions_by_account")
def m016_sessions_by_account(db):
    # An account's sessions are listed on its sessions page, ended together ("log out
    # everywhere"), on a new password and when the account is turned off: found by account.
    _run(db, "CREATE INDEX staff_session_user ON staff_session (user_id)")


@migrations(name="m019_pending_steps_by_hour")
def m019_pending_steps_by_hour(db):
    # Every new step deletes the ones whose time is over: without an index that read the
    # whole table at each check-in (a third of a check-in's time in bench/checkin_bench.py).
    _run(db, "CREATE INDEX pending_step_until ON pending_step (until_hour)")


@migrations(name="m020_staff_times_to_the_hour")
def m020_staff_times_to_the_hour(db):
    # When an account or a kiosk was made or turned off was kept to the second; like every
    # other staff time (m010, m017) it is kept to the hour now.
    _run(
        db,
        """
        UPDATE staff_user SET created_at = substr(created_at, 1, 13) || ':00:00+00:00'
            WHERE created_at != substr(created_at, 1, 13) || ':00:00+00:00';
        UPDATE kiosk SET created_at = substr(created_at, 1, 13) || ':00+00:00'
            WHERE created_at != substr(created_at, 1, 13) || ':00+00:00';
        UPDATE kiosk SET revoked_at = substr(revoked_at, 1, 13) || ':00+00:00'
            WHERE revoked_at IS NOT NULL AND revoked_at != substr(revoked_at, 1, 13) || ':00+00:00'
        """,
    )


@migrations(name="m021_votes_by_day")
def m021_votes_by_day(db):
    # A vote carries the venue's local date it was cast on (a date, never a time), so staff see
    # a burst of votes and can set a day's votes aside like a flood of check-ins; set-aside
    # votes stay stored (the phone cannot vote again) but count nowhere. Votes cast before
    # this migration keep NULL: their day is not known.
    _run(
        db,
        """
        ALTER TABLE idea_vote ADD COLUMN day TEXT;
        ALTER TABLE idea_vote ADD COLUMN set_aside INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX idea_vote_day ON idea_vote (day)
        """,
    )


@migrations(name="m022_meetings")
def m022_meetings(db):
    # The house meeting and the future workshop: the questions put to the room and the hands
    # counted for each, never who raised them. A meeting keeps its day and the hour it began,
    # nothing finer; `attended` is the headcount typed once, counted as tally visits of the
    # meeting's activity. A proposal made in the room becomes an idea (idea.meeting_id).
    # meeting_step holds the hands changes so the last one can be undone, with no time.
    _run(
        db,
        """
        CREATE TABLE meeting (
            id INTEGER PRIMARY KEY,
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            name TEXT NOT NULL,
            date TEXT NOT NULL,
            hour INTEGER CHECK (hour BETWEEN 0 AND 23),
            activity_id INTEGER REFERENCES activity(id),
            attended INTEGER NOT NULL DEFAULT 0 CHECK (attended >= 0),
            current INTEGER NOT NULL DEFAULT 0,
            next_steps TEXT NOT NULL DEFAULT '',
            closed INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX meeting_venue ON meeting (venue_id, date);
        CREATE TABLE meeting_question (
            id INTEGER PRIMARY KEY,
            meeting_id INTEGER NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('idea', 'proposal', 'question')),
            idea_id INTEGER REFERENCES idea(id) ON DELETE SET NULL,
            text TEXT NOT NULL,
            votes_for INTEGER NOT NULL DEFAULT 0 CHECK (votes_for >= 0),
            votes_against INTEGER NOT NULL DEFAULT 0 CHECK (votes_against >= 0),
            votes_unsure INTEGER NOT NULL DEFAULT 0 CHECK (votes_unsure >= 0),
            status TEXT CHECK (status IN ('considering', 'planned', 'done', 'not_possible')),
            answer TEXT NOT NULL DEFAULT '',
            UNIQUE (meeting_id, position)
        );
        CREATE TABLE meeting_step (
            id INTEGER PRIMARY KEY,
            meeting_id INTEGER NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
            question_id INTEGER NOT NULL REFERENCES meeting_question(id) ON DELETE CASCADE,
            field TEXT NOT NULL CHECK (field IN ('votes_for', 'votes_against', 'votes_unsure')),
            before INTEGER NOT NULL
        );
        ALTER TABLE idea ADD COLUMN meeting_id INTEGER REFERENCES meeting(id) ON DELETE SET NULL
        """,
    )


@migrations(name="m023_activity_history")
def m023_activity_history(db):
    # A past period's report shows an activity as it was then (issue 23, item 5): its names
    # and whether its visits are counted, each with the venue's local date from which it
    # held. Activities there before this get their values of today from 2000-01-01.
    # report_revision: a change staff confirmed that altered a finished period's figures (an
    # import, its undo, a set-aside, check-ins brought back), listed on the report. Dates
    # only, and nothing about the person who made it (the audit log has that).
    _run(
        db,
        """
        CREATE TABLE activity_history (
            activity_id INTEGER NOT NULL REFERENCES activity(id),
            valid_from TEXT NOT NULL,                 -- local date, no time
            name_sv TEXT NOT NULL,
            name_en TEXT NOT NULL DEFAULT '',
            counted INTEGER NOT NULL,
            PRIMARY KEY (activity_id, valid_from)
        );
        INSERT INTO activity_history (activity_id, valid_from, name_sv, name_en, counted)
            SELECT id, '2000-01-01', name_sv, name_en, counted FROM activity;
        CREATE TABLE report_revision (
            id INTEGER PRIMARY KEY,
            venue_id INTEGER NOT NULL REFERENCES venue(id),
            year INTEGER NOT NULL,                    -- the report it changed
            made_on TEXT NOT NULL,                    -- local date, no time
            what TEXT NOT NULL CHECK (what IN ('import', 'import_undone', 'set_aside',
                                               'brought_back', 'tally')),
            visits_before INTEGER NOT NULL,           -- exact, the year's total
            visits_after INTEGER NOT NULL,
            published_before INTEGER,                 -- published, for a year that ended
            published_after INTEGER
        );
        CREATE INDEX report_revision_year ON report_revision (venue_id, year)
        """,
    )


@migrations(name="m024_report_text_time_to_the_hour")
def m024_report_text_time_to_the_hour(db):
    # The yearly report's "Skriven av …" time was kept to the second; every other staff time
    # is kept to the hour (m010, m017, m020). '2026-11-23 15:34:07' becomes '2026-11-23 15:00:00'.
    _run(
        db,
        """
        UPDATE report_narrative SET updated_at = substr(updated_at, 1, 13) || ':00:00'
            WHERE length(updated_at) >= 13 AND updated_at != substr(updated_at, 1, 13) || ':00:00'
        """,
    )


@migrations(name="m025_door_counts")
def m025_door_counts(db):
    # The door's day bound (visits/volume.py) counted the day's check-ins that still count at
    # every check-in: a read of every one of them, 0.4 ms at 5,000 and 1.3 ms at 15,000, inside
    # the write lock, so a flood slowed every tap after it. door_count keeps that number,
    # kept exact by triggers whatever changes a visit (a check-in, a staff set-aside or bring-
    # back, a deletion), so the door reads one row. A number per venue, day and source, nothing
    # about anyone; the daily job deletes days before yesterday. Filled here for the days
    # that may still be today somewhere (older days are never asked for).
    _run(
        db,
        """
        CREATE TABLE door_count (
            venue_id INTEGER NOT NULL,
            date TEXT NOT NULL,                        -- local date, YYYY-MM-DD
            source TEXT NOT NULL CHECK (source IN ('qr', 'kiosk')),
            n INTEGER NOT NULL,                        -- visits that count (not set aside)
            PRIMARY KEY (venue_id, date, source)
        ) WITHOUT ROWID;
        INSERT INTO door_count (venue_id, date, source, n)
            SELECT venue_id, date, source, count(*) FROM visit
            WHERE source IN ('qr', 'kiosk') AND set_aside_id IS NULL
                AND date >= date('now', '-2 days')
            GROUP BY venue_id, date, source
        """,
    )
    # Each trigger is one statement with statements of its own inside: run one by one.
    db.execute("""
        CREATE TRIGGER door_count_insert AFTER INSERT ON visit
            WHEN NEW.source IN ('qr', 'kiosk') AND NEW.set_aside_id IS NULL BEGIN
            INSERT INTO door_count (venue_id, date, source, n)
                VALUES (NEW.venue_id, NEW.date, NEW.source, 1)
                ON CONFLICT (venue_id, date, source) DO UPDATE SET n = n + 1;
        END""")
    db.execute("""
        CREATE TRIGGER door_count_delete AFTER DELETE ON visit
            WHEN OLD.source IN ('qr', 'kiosk') AND OLD.set_aside_id IS NULL BEGIN
            UPDATE door_count SET n = n - 1
                WHERE venue_id = OLD.venue_id AND date = OLD.date AND source = OLD.source;
        END""")
    db.execute("""
        CREATE TRIGGER door_count_update
            AFTER UPDATE OF venue_id, date, source, set_aside_id ON visit BEGIN
            UPDATE door_count SET n = n - 1
                WHERE OLD.source IN ('qr', 'kiosk') AND OLD.set_aside_id IS NULL
                    AND venue_id = OLD.venue_id AND date = OLD.date AND source = OLD.source;
            INSERT INTO door_count (venue_id, date, source, n)
                SELECT NEW.venue_id, NEW.date, NEW.source, 1
                WHERE NEW.source IN ('qr', 'kiosk') AND NEW.set_aside_id IS NULL
                ON CONFLICT (venue_id, date, source) DO UPDATE SET n = n + 1;
        END""")


@migrations(name="m026_visit_year_changes")
def m026_visit_year_changes(db):
    # An import lists its change to each finished year's report: the year's totals before and
    # after. Read inside its write transaction, they held every check-in waiting a pass over
    # the year's visits each (two thirds of the lock at 20,000 visits a year). visit_year_change
    # counts the changes to a venue's visits of a year, kept by triggers on every insert,
    # update and delete, so an import works out both totals before its transaction and inside
    # it only checks that the count has not moved (revisions.py). Numbers of changes per venue
    # and year, nothing about any visit.
    _run(
        db,
        """
        CREATE TABLE visit_year_change (
            venue_id INTEGER NOT NULL,
            year TEXT NOT NULL,                        -- YYYY, of the visit's local date
            n INTEGER NOT NULL,
            PRIMARY KEY (venue_id, year)
        ) WITHOUT ROWID
        """,
    )
    db.execute("""
        CREATE TRIGGER visit_year_change_insert AFTER INSERT ON visit BEGIN
            INSERT INTO visit_year_change (venue_id, year, n)
                VALUES (NEW.venue_id, substr(NEW.date, 1, 4), 1)
                ON CONFLICT (venue_id, year) DO UPDATE SET n = n + 1;
        END""")
    db.execute("""
        CREATE TRIGGER visit_year_change_delete AFTER DELETE ON visit BEGIN
            INSERT INTO visit_year_change (venue_id, year, n)
                VALUES (OLD.venue_id, substr(OLD.date, 1, 4), 1)
                ON CONFLICT (venue_id, year) DO UPDATE SET n = n + 1;
        END""")
    db.execute("""
        CREATE TRIGGER visit_year_change_update AFTER UPDATE ON visit BEGIN
            INSERT INTO visit_year_change (venue_id, year, n)
                VALUES (OLD.venue_id, substr(OLD.date, 1, 4), 1)
                ON CONFLICT (venue_id, year) DO UPDATE SET n = n + 1;
            INSERT INTO visit_year_change (venue_id, year, n)
                VALUES (NEW.venue_id, substr(NEW.date, 1, 4), 1)
                ON CONFLICT (venue_id, year) DO UPDATE SET n = n + 1;
        END""")
