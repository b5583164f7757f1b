"""What other parts use of accounts: who is logged in and may do what (require_role,
current_user, log_out), the audit log every operation writes its line to (and how a feature
words its own lines on the audit page: register_words, say_day, say_span), and the staff
forms every feature shares (ConfirmForm, dates, choices, REQUIRED).

Cross-part imports come here, never into the modules behind it (docs/parts.toml,
tests/app/test_layout.py)."""

from checkin.accounts import audit, auth
from checkin.accounts.access import audit_line, current_user, log_out, require_role
from checkin.accounts.audit import DEFAULT_KEEP_MONTHS as AUDIT_KEEP_MONTHS
from checkin.accounts.audit import forget_before as forget_audit_before
from checkin.accounts.audit import register_words, say_day, say_span
from checkin.accounts.staff_forms import (
    DATE_MESSAGE,
    REQUIRED,
    WEEKDAY_PAIRS,
    CheckboxesField,
    ConfirmForm,
    PlainDateField,
    options,
)

__all__ = [
    "AUDIT_KEEP_MONTHS", "CheckboxesField", "ConfirmForm", "DATE_MESSAGE", "PlainDateField",
    "REQUIRED", "WEEKDAY_PAIRS", "audit", "audit_line", "auth", "current_user",
    "forget_audit_before", "log_out", "options", "register_words", "require_role", "say_day",
    "say_span",
]
