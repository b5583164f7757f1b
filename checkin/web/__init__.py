"""Web plumbing only: security headers, error pages, formatting, logs, shared page helpers."""
