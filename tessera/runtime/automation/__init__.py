"""Automation: what the runtime does on its own behalf — inbound endpoints (and, beside them,
assignment rules, automation rules and notifications)."""
