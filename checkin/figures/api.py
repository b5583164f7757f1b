"""What other parts use of figures: the answers the visits' tally pages need when a change
touches a month whose reports are finished (create_app hands them over, so visits imports no
figures module), and the yearly close's first step (freeze_persons).

Cross-part imports come here, never into the modules behind it (docs/parts.toml,
tests/app/test_layout.py)."""

from types import SimpleNamespace

from checkin.figures import revisions
from checkin.figures.persons import freeze_persons

tally_revisions = SimpleNamespace(
    before_change=revisions.before_change,  # the finished year's totals before a change
    day_effects=revisions.day_effects,  # which finished reports a change to a day alters
    effect_lines=revisions.effect_lines,  # those effects in words, for the page that asks
    record_after=revisions.record_after,  # the revision, once the change is made
)

__all__ = [
    "freeze_persons", "tally_revisions",
]
