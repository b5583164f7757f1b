"""Staff accounts: passwords, sessions, roles and the audit log."""
