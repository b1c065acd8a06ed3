"""The events outbox and background jobs (rq when configured, inline otherwise)."""
