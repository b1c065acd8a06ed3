"""Who an assignment tells: the new owner of each record a rule, a re-run or an automation
gave them, in the app and on the channels they chose (docs/notifications.md).

A user given several records by one operation (a batch of creates, an import) gets one
notification naming how many, linked to the first of them, not one per record. Nobody is
told of a record they gave themselves, and a record entering a pool tells nobody (its
members see the pool).
"""

from tessera.i18n import Message

KIND = "assignment.assigned"


def tell_owners(runtime, conn, ctx, obj, given):
    """Notify each new owner in ``given`` (``[(record_id, user_id)]``, in order) in the caller's transaction."""
    by_owner = {}
    for record_id, user_id in given:
        if user_id is not None and user_id != ctx.user_id:
            by_owner.setdefault(user_id, []).append(record_id)
    for user_id, record_ids in by_owner.items():
        message = Message("assignment.notice.one", object=obj.name, id=record_ids[0]) if len(record_ids) == 1 \
            else Message("assignment.notice.many", object=obj.name, count=len(record_ids))
        runtime.notifications.notify(conn, [user_id], KIND, message, {"object": obj.name, "record_id": record_ids[0]},
                                     actor_id=ctx.user_id)
