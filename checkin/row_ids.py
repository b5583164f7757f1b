"""Random ids for the rows visitors make, so that no id tells who came first. No Flask.

Counted-up ids (1, 2, 3 …) keep the order rows arrived in: two visits of the same hour, or a
smiley and a visit of the same day, could be put in order and then matched. A random id says
nothing about when its row came. Every INSERT into these tables takes its id from here.
"""

import secrets

# Tables whose rows visitors make. Survey answers and idea votes have no id of their own:
# they are WITHOUT ROWID tables, kept in the order of their key (m014).
VISITOR_ROW_TABLES = ("visit", "feedback", "survey_response", "idea")

# 53 random bits: far more ids than rows ever, and still exact in any JSON reader.
ROW_ID_MAX = 2**53 - 1


def new_row_ids(db, table, count):
    """`count` different ids that no row of `table` has, in random order.

    The caller holds the write (`with writing(db):`), so no other writer takes one between
    this check and the INSERT. A collision is very rare and then simply draws again.
    """
    if table not in VISITOR_ROW_TABLES:
        raise ValueError(f"{table!r} does not take random ids")
    ids, chosen = [], set()
    while len(ids) < count:
        drawn = set()
        while len(drawn) < count - len(ids):
            candidate = secrets.randbelow(ROW_ID_MAX) + 1
            if candidate not in chosen:
                drawn.add(candidate)
        drawn = list(drawn)
        # One query per 500 ids, not one per id: an import of thousands of visits holds the
        # write lock (and every check-in waiting for it) a few milliseconds, not a second.
        taken = set()
        for start in range(0, len(drawn), 500):
            part = drawn[start:start + 500]
            marks = ",".join("?" * len(part))
            # The table name is one of VISITOR_ROW_TABLES, checked above; never input.
            taken.update(row[0] for row in db.execute(
                f"SELECT id FROM {table} WHERE id IN ({marks})", part))  # noqa: S608 # nosec B608
        for candidate in drawn:
            if candidate not in taken:
                chosen.add(candidate)
                ids.append(candidate)
    return ids


def new_row_id(db, table):
    """One id that no row of `table` has (see new_row_ids)."""
    return new_row_ids(db, table, 1)[0]
