"""What other parts use of the week: the programme as read (schedule, occurrences,
week_label) and written (operations, and a meeting's activity), and for the wall screen
(devices) its tokens, the now-and-next and the week's blueprint its pages join.

Cross-part imports come here, never into the modules behind it (docs/parts.toml,
tests/app/test_layout.py)."""

from checkin.week import operations, schedule, screen_tokens
from checkin.week.now_and_next import now_and_next
from checkin.week.operations import meeting_activity
from checkin.week.routes import blueprint
from checkin.week.schedule import occurrences, week_label
from checkin.week.screen_tokens import LABEL_MAX, SCREEN_COOKIE

__all__ = [
    "LABEL_MAX", "SCREEN_COOKIE", "blueprint", "meeting_activity", "now_and_next", "occurrences",
    "operations", "schedule", "screen_tokens", "week_label",
]
