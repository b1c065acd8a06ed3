"""The append-only audit log, written by each operation in its own transaction."""
