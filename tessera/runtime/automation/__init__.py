"""Automation: what the runtime does on its own behalf — assignment rules and lead pools
(docs/assignment.md), inbound endpoints (docs/inbound.md)."""
