"""Automation: assignment rules and lead pools (see docs/assignment.md)."""
