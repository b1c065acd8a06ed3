"""Notifications: in-app rows written in the caller's transaction, external channels after commit."""
