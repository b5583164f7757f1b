"""What other parts use of feedback: faces (smileys), surveys and meetings, read by the
figures pages, the kiosk and the wall screen.

Cross-part imports come here, never into the modules behind it (docs/parts.toml,
tests/test_layout.py)."""

from checkin.feedback import meetings, smileys, surveys
from checkin.feedback.forms import RATING_VALUES

__all__ = [
    "RATING_VALUES", "meetings", "smileys", "surveys",
]
