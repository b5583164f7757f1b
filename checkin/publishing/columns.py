"""The columns of every figures table, and the marks of hidden cells, as docs/figures.md names them.
No Flask."""

# The published columns are a format other people read (docs/figures.md): written out here,
# not made from visits' lists, so that a new gender or source changes no file by surprise.
# tests/app/test_layout.py checks that they still match visits/recording.py's GENDERS and SOURCES.
GENDER_COLUMNS = ("women", "men", "other", "unstated")
SOURCES = ("qr", "kiosk", "tally")

VISIT_GENDER_COLUMNS = [f"visits_{g}" for g in GENDER_COLUMNS]
PERSON_GENDER_COLUMNS = [f"persons_{g}" for g in GENDER_COLUMNS]
SOURCE_COLUMNS = [f"visits_{s}" for s in SOURCES]
VISIT_COLUMNS = [*VISIT_GENDER_COLUMNS, "visits_total", "visits_unlinked", *SOURCE_COLUMNS]
PERSON_COLUMNS = [*PERSON_GENDER_COLUMNS, "persons_total"]
COUNT_COLUMNS = VISIT_COLUMNS + PERSON_COLUMNS
COLUMNS = [
    "period", "venue", "activity",
    *VISIT_GENDER_COLUMNS, "visits_total", *PERSON_GENDER_COLUMNS, "persons_total",
    "visits_unlinked", *SOURCE_COLUMNS, "note", "first_day", "last_day",
]
SMALL = "<"      # a hidden mark that starts with this is a small count (primary)
PROTECTED = ".."  # a cell hidden so that a small one cannot be worked out (secondary)

# In a row, these cells add up to the total: a hidden one could be recovered by subtraction.
ROW_GROUPS = [
    (VISIT_GENDER_COLUMNS, "visits_total"),
    (SOURCE_COLUMNS, "visits_total"),
    (PERSON_GENDER_COLUMNS, "persons_total"),
]
