"""What a visitor writes: cleaned and measured the same way everywhere. No Flask."""

import re

FEEDBACK_TEXT_MAX = 500
IDEA_TEXT_MAX = 200

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class TooLong(ValueError):
    """The text is longer than its limit; nothing may be stored."""


def clean_text(value, limit, one_line=False):
    """The text with control characters gone and ends trimmed; None if nothing is left."""
    text = _CONTROL.sub("", (value or "").replace("\r\n", "\n")).strip()
    if one_line:
        text = " ".join(text.split())
    if len(text) > limit:
        raise TooLong(f"{len(text)} characters, at most {limit}")
    return text or None
