"""Per-user preferences: which external channels each kind of notification goes to.

A user's rows map a kind (or ``*``, every other kind) to a list of channel names. Without
a row the default holds: e-mail when the e-mail channel is configured and the user has
an address, nothing else. In-app is never a preference: every notification is listed there.
"""

import re

from sqlalchemy import delete, insert, select

from tessera.i18n import Message

from ..errors import RecordInvalid
from .channels import IN_APP
from .tables import preference

DEFAULT_KIND = "*"
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
MAX_KIND = 63
#: Most kinds one user may set apart from the default.
MAX_KINDS = 100


class PreferencesInvalid(RecordInvalid):
    """A preferences document names an unknown kind or channel, or is not shaped as documented."""


def stored(conn, user_ids):
    """{user id: {kind: [channel]}} of the users' stored rows."""
    found = {}
    if not user_ids:
        return found
    rows = conn.execute(select(preference.c.user_id, preference.c.kind, preference.c.channels)
                        .where(preference.c.user_id.in_(sorted(user_ids))))
    for row in rows:
        found.setdefault(row.user_id, {})[row.kind] = list(row.channels or ())
    return found


def default_channels(options, recipient):
    """The channels of a user without preferences: e-mail when it is configured and reaches them."""
    email = options.channels.get("email")
    return ["email"] if email is not None and email.available(options) and email.reaches(options, recipient) else []


def chosen(options, recipient, rows, kind):
    """The channels ``kind`` goes to for ``recipient`` (their rows, else their default), keeping
    those configured that reach them."""
    wanted = rows.get(kind, rows.get(DEFAULT_KIND))
    if wanted is None:
        return default_channels(options, recipient)
    result = []
    for name in wanted:
        channel = options.channels.get(name)
        if channel is not None and channel.available(options) and channel.reaches(options, recipient):
            result.append(name)
    return result


def document(options, recipient, rows, known_kinds):
    """The preferences as the API answers them."""
    default = rows.get(DEFAULT_KIND)
    return {"default": default_channels(options, recipient) if default is None else default,
            "kinds": {kind: channels for kind, channels in sorted(rows.items()) if kind != DEFAULT_KIND},
            "channels": sorted(name for name, channel in options.channels.items() if channel.available(options)),
            "known_kinds": sorted(known_kinds)}


def _bad(field, code, **params):
    return PreferencesInvalid("notification.preferences.invalid", errors={field: [Message(code, **params)]})


def _channel_list(options, field, value):
    if not isinstance(value, list) or len(value) > len(options.channels) + 1:
        raise _bad(field, "notification.preferences.not_a_list")
    names = []
    for name in value:
        if not isinstance(name, str) or name == IN_APP or name not in options.channels:
            raise _bad(field, "notification.preferences.unknown_channel", channel=str(name)[:63])
        if not options.channels[name].available(options):
            raise _bad(field, "notification.preferences.channel_not_configured", channel=name)
        if name not in names:
            names.append(name)
    return names


def parse(options, body):
    """{kind: [channel]} from a PUT body ``{"default": [...], "kinds": {kind: [...]}}``; raise
    PreferencesInvalid for anything else."""
    if not isinstance(body, dict):
        raise _bad("body", "notification.preferences.not_an_object")
    unknown = sorted(set(body) - {"default", "kinds"})
    if unknown:
        raise _bad(unknown[0], "notification.preferences.unknown_property", name=unknown[0][:63])
    rows = {}
    if body.get("default") is not None:
        rows[DEFAULT_KIND] = _channel_list(options, "default", body["default"])
    kinds = body.get("kinds", {})
    if not isinstance(kinds, dict) or len(kinds) > MAX_KINDS:
        raise _bad("kinds", "notification.preferences.kinds_invalid", max=MAX_KINDS)
    for kind, channels in kinds.items():
        if len(kind) > MAX_KIND or not KIND_PATTERN.match(kind):
            raise _bad(f"kinds.{kind[:63]}", "notification.preferences.kind_invalid")
        rows[kind] = _channel_list(options, f"kinds.{kind}", channels)
    return rows


def replace(conn, user_id, rows, now):
    """Make ``rows`` the user's whole preferences."""
    conn.execute(delete(preference).where(preference.c.user_id == user_id))
    if rows:
        conn.execute(insert(preference), [{"user_id": user_id, "kind": kind, "channels": channels, "updated_at": now}
                                          for kind, channels in rows.items()])
