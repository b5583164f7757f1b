"""The figures table and its file in one call for the worker process (web/heavy_work.py):
the table from figures/tables.py, the file written by publishing/exports.py."""

from checkin.figures.tables import figures
from checkin.publishing.api import about_lines, hidden_share, write


def table_and_file(db, first, last, group, *, download=None, **options):
    """The figures table, the share of its counts that is hidden and, when `download` asks
    for it, the file: one call for heavy_work.run, so that the file is written in the worker
    process too (openpyxl takes seconds for years by day, and a server thread writing it
    would make every check-in wait for Python's one running thread).

    `download`: {"fmt", "lang", "hidden_at_most", "venue_names", "locale"}; the file is
    written only when no more than `hidden_at_most` of the counts are hidden (else the page
    suggests a coarser table first). Returns (table, share, None), or (None, share, file
    bytes): a page that downloads needs only the file, so the table is not sent back.
    """
    table = figures(db, first, last, group, **options)
    share = hidden_share(table)
    if download is None or share > download["hidden_at_most"]:
        return table, share, None
    notes = ()
    if download["fmt"] == "xlsx":
        notes = about_lines(table, venue_names=download["venue_names"], first=first,
                            last=last, group=group,
                            by_activity=options.get("by_activity", False),
                            locale=download["locale"])
    return None, share, write(table, download["fmt"], lang=download["lang"], notes=notes)


def hidden_shares(db, first, last, tries, **options):
    """hidden_share of the table for each (group, by_activity) in `tries`: the page's
    coarser suggestions, computed in the worker process (heavy_work.run)."""
    return [hidden_share(figures(db, first, last, group, by_activity=by_activity, **options))
            for group, by_activity in tries]
