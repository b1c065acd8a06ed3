"""Who is acting: every record operation runs with a Context.

A Context is built once per request (``principal.context_for_user``) from the directory
and the published permission sets; the runtime never looks the user up again while it
serves that request. The formula layer reads ``user_id``, ``username``, ``display_name``,
``team``, ``roles``, ``manager_id`` and ``locale`` for ``$user``.
"""

from dataclasses import dataclass, field

READ_ACTIONS = frozenset({"read"})
#: The actor name of the command line in the audit log.
CLI_ACTOR = "cli"


@dataclass(frozen=True)
class Reach:
    """The directory facts record sharing needs, as ids and names.

    ``subordinate_role_ids`` are the roles strictly below any role the user holds;
    ``covered_role_ids`` / ``covered_role_names`` are the held roles plus those below
    them (a share or rule for a subordinate role reaches the manager role too);
    ``team_ids`` / ``team_names`` are the user's team and every team above it (a share
    or rule for a department reaches everyone in its sub-teams).
    """

    subordinate_role_ids: frozenset = frozenset()
    covered_role_ids: frozenset = frozenset()
    covered_role_names: frozenset = frozenset()
    team_ids: frozenset = frozenset()
    team_names: frozenset = frozenset()


@dataclass(frozen=True)
class TokenScope:
    """What a personal API token may do: read only or read-write, optionally on some objects."""

    read_only: bool = False
    objects: frozenset | None = None

    def allows(self, object_name, action):
        """True when this scope lets ``action`` happen on records of ``object_name``."""
        if self.read_only and action not in READ_ACTIONS:
            return False
        return self.objects is None or object_name in self.objects


@dataclass(frozen=True)
class Context:
    """The acting user and what they are; jobs act as the system user, the CLI as ``cli``."""

    user_id: int | None
    username: str
    is_admin: bool = False
    roles: tuple = field(default_factory=tuple)
    locale: str = "en"
    token_id: int | None = None
    display_name: str | None = None
    team: str | None = None
    manager_id: int | None = None
    permission_sets: tuple = field(default_factory=tuple)
    rights: object = field(default=None, compare=False, repr=False)
    reach: Reach = field(default_factory=Reach, compare=False, repr=False)
    scope: TokenScope | None = None
    session_id: int | None = None
    ip: str | None = None

    @classmethod
    def system(cls, user_id):
        """A context for platform-internal work (jobs, demo loading) acting as ``user_id``."""
        return cls(user_id=user_id, username="system", is_admin=True)

    @classmethod
    def cli(cls):
        """The context of the ``tessera`` command line: an administrator with no user row.

        The audit log records its changes with the actor ``cli`` and no actor id.
        """
        return cls(user_id=None, username=CLI_ACTOR, is_admin=True)
