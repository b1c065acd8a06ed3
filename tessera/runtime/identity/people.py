"""Finding people by name: the narrow lookup every signed-in user may use to pick someone
(an approver to reassign to, a user field's value) without the administrators' user list.

It answers the id, username and display name of active users only: what record pages already
show of the people they name, and nothing of their e-mail, roles or rights.
"""

from sqlalchemy import func, or_, select

from ..schema.system_tables import user

#: At most this many people answer one lookup: a picker shows a short list, never a directory.
LOOKUP_LIMIT = 20
#: The longest text searched for (longer ones are refused by the route).
MAX_QUERY = 100


def find_people(conn, text, *, limit=LOOKUP_LIMIT):
    """Active users whose username or display name contains ``text`` (case-insensitive, ``%``
    and ``_`` taken literally), those whose name starts with it first, then by display name:
    ``[{"id", "username", "display_name"}]``; an empty or blank ``text`` finds nobody."""
    needle = text.replace("\x00", "").strip().lower()  # no stored name holds NUL; PostgreSQL refuses it
    if not needle:
        return []
    name, login = func.lower(user.c.display_name), func.lower(user.c.username)
    matches = or_(name.contains(needle, autoescape=True), login.contains(needle, autoescape=True))
    prefix = or_(name.startswith(needle, autoescape=True), login.startswith(needle, autoescape=True))
    query = (select(user.c.id, user.c.username, user.c.display_name, prefix.label("prefix"))
             .where(user.c.active.is_(True), matches)
             .order_by(prefix.desc(), name, user.c.id).limit(max(1, min(limit, LOOKUP_LIMIT))))
    return [{"id": row.id, "username": row.username, "display_name": row.display_name}
            for row in conn.execute(query)]
