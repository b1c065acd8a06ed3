"""Who is acting: every record operation runs with a Context."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Context:
    """The acting user and what they are; jobs act as the system user."""

    user_id: int
    username: str
    is_admin: bool = False
    roles: tuple = field(default_factory=tuple)
    locale: str = "en"
    token_id: int | None = None

    @classmethod
    def system(cls, user_id):
        """A context for platform-internal work (jobs, demo loading) acting as ``user_id``."""
        return cls(user_id=user_id, username="system", is_admin=True)
