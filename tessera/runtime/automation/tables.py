"""The automation room's table, on the runtime's MetaData (created by ``Runtime.create_schema``).

``tessera_automation_done`` holds one row per (rule, event) an after-commit rule has
handled, written in the transaction of its actions: a redelivered event finds it and does
nothing, so at-least-once delivery runs a rule's actions once per event.
"""

from sqlalchemy import Column, DateTime, String, Table

from ..schema.columns import ID_TYPE
from ..schema.system_tables import runtime_schema

automation_done = Table(
    "tessera_automation_done",
    runtime_schema,
    Column("rule", String(127), primary_key=True),
    Column("event_id", ID_TYPE, primary_key=True, autoincrement=False),
    Column("at", DateTime, nullable=False),
)
