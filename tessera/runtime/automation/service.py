"""AutomationService: the Runtime's automation rules, wired into the rooms that trigger them.

Before-commit rules listen to the records service's lifecycle; after-commit and
approval-decided rules subscribe to the event dispatcher; scheduled rules own a timer
kind. ``actions`` is the registry of action kinds (``actions.py``).
"""

from tessera.metadata import store

from .actions import ActionRegistry
from .after_commit import AfterCommitRules
from .before_commit import BeforeCommitRules
from .errors import AutomationFailed
from .schedule import TIMER_KIND, fire_schedule

KIND = "automation"
DEFAULT_MAX_DEPTH = 5


class AutomationService:
    """Runs the published automation rules of one Runtime."""

    def __init__(self, runtime, *, actions=None, max_depth=DEFAULT_MAX_DEPTH):
        self.runtime = runtime
        #: The deepest chain of automations allowed (``TESSERA_AUTOMATION_MAX_DEPTH``).
        self.max_depth = max_depth
        self.actions = ActionRegistry()
        for name, action in (actions or {}).items():
            self.actions.register(name, action)
        runtime.records.lifecycle.add(BeforeCommitRules())
        runtime.events.subscribe(AfterCommitRules())
        runtime.timers.register(TIMER_KIND, fire_schedule)

    def check_pending(self, conn):
        """Refuse a publish whose automation drafts name actions this process cannot run
        (AutomationFailed with the path of each)."""
        errors = {}
        for (kind, name), doc in store.list_documents(conn, KIND).items():
            if kind != KIND or not doc.get("active", True):
                continue
            for index, action in enumerate(doc.get("actions", ())):
                if isinstance(action, dict) and len(action) == 1:
                    (action_kind, spec), = action.items()
                    found = self.actions.problems(action_kind, spec, doc)
                    if found:
                        errors[f"{name}.actions[{index}].{action_kind}"] = found
        if errors:
            raise AutomationFailed("automation.actions.unknown", errors=errors)
