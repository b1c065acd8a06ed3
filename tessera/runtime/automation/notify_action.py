"""The ``notify`` action of automation rules: people told about the record, in the app and on
the channels each chose (docs/notifications.md).

``{"notify": {"users": [7], "roles": ["sales_manager"], "owner": true, "fields": ["reviewer"],
"message": {"en": "...", "zh-CN": "..."}}}``: the users named, everyone holding the roles, the
record's owner and the users in its user fields; the administrator's text, else a standard
one naming the rule and the record. Written in the rule's transaction, so a rolled-back rule
notifies nobody.
"""

from sqlalchemy import select

from tessera.i18n import Message

from ..errors import DirectoryEntryNotFound
from ..identity.units import find_unit
from ..schema.system_tables import user_role
from .errors import AutomationFailed

KIND = "automation.notice"
RECIPIENT_KEYS = ("users", "roles", "owner", "fields")
KEYS = frozenset((*RECIPIENT_KEYS, "message"))


def notify(run, spec):
    """Notify the recipients ``spec`` names about the record ``run`` acts on."""
    message = spec.get("message") or Message("automation.notice", rule=run.rule.name, object=run.obj.name,
                                             id=run.record_id)
    link = {"object": run.obj.name, "record_id": run.record_id}
    run.runtime.notifications.notify(run.conn, _recipients(run, spec), KIND, message, link, actor_id=run.ctx.user_id)


def _recipients(run, spec):
    found = list(spec.get("users", ()))
    if spec.get("owner"):
        found.append(run.record.get("owner_id"))
    found.extend(run.record.get(name) for name in spec.get("fields", ()))
    for role in spec.get("roles", ()):
        found.extend(_holders(run, role))
    return [uid for uid in dict.fromkeys(found) if isinstance(uid, int) and not isinstance(uid, bool)]


def _holders(run, role):
    try:
        role_id = find_unit(run.conn, "role", role)["id"]
    except DirectoryEntryNotFound:
        raise AutomationFailed("automation.notify.unknown_role", role=role, rule=run.rule.name) from None
    return run.conn.execute(select(user_role.c.user_id).where(user_role.c.role_id == role_id)).scalars().all()


def _check(spec, rule_doc):
    """Why ``spec`` cannot notify anyone as written: unknown keys, no recipient, wrong shapes."""
    if set(spec) - KEYS or not any(spec.get(key) for key in RECIPIENT_KEYS):
        return {"notify": [Message("automation.notify.shape")]}
    lists = {"users": int, "roles": str, "fields": str}
    for key, kind in lists.items():
        value = spec.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, kind) and not isinstance(v, bool) for v in value):
            return {f"notify.{key}": [Message("automation.notify.shape")]}
    message = spec.get("message", {})
    if not isinstance(message, dict) or not all(isinstance(v, str) for v in message.values()):
        return {"notify.message": [Message("automation.notify.shape")]}
    return {}


notify.check = _check
