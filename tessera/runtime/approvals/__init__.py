"""Approval flows at run time: requests, work items, history, transitions, the record lock,
delegation and the inbox (see docs/approvals.md)."""
