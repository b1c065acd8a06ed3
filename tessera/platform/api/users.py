"""User routes: administrators manage users and their assignments; everyone reads and edits
their own profile at /users/me."""

from flask import Response, request

from tessera.i18n import Message
from tessera.runtime.audit import log as audit
from tessera.runtime.errors import PermissionDenied, RecordInvalid
from tessera.runtime.identity.assignments import ADMIN_FIELDS, update_own_profile, update_user
from tessera.runtime.identity.passwords import verify_password
from tessera.runtime.identity.users import create_user, get_user, list_users, set_active, set_password, user_json

from ..jsonio import json_response
from .common import ctx, runtime
from .guards import admin_only, object_body, page_after

CREATE_FIELDS = ("username", "display_name", "email", "locale", "password", "is_admin", "active")
PAGE_SIZE = 100


def _rights_summary(caller, model):
    if caller.is_admin:
        return {"is_admin": True, "objects": {name: {"actions": ["create", "read", "edit", "delete", "view_all",
                                                                  "modify_all"]} for name in model.objects}}
    objects = {}
    for name, granted in caller.rights.objects.items():
        objects[name] = {"actions": sorted(granted.actions), "readable_fields": sorted(granted.readable),
                         "editable_fields": sorted(granted.editable)}
    return {"is_admin": False, "objects": objects}


def me():
    """The caller's own profile, with a summary of their rights."""
    caller, rt = ctx(), runtime()
    with rt.read() as conn:
        profile = user_json(conn, get_user(conn, caller.user_id))
        profile["permissions"] = _rights_summary(caller, rt.model(conn))
    return json_response(profile)


def patch_me():
    """Change the caller's display name, email or locale; anything else is refused with 403."""
    with runtime().write() as conn:
        return json_response(update_own_profile(conn, ctx(), object_body()))


def change_my_password():
    """Replace the caller's password after checking the current one."""
    body, caller = object_body(), ctx()
    with runtime().write() as conn:
        row = get_user(conn, caller.user_id)
        if not verify_password(row["password_hash"], body.get("current_password")):
            raise RecordInvalid("api.password.current_wrong", errors={"current_password": [Message("api.is_wrong")]})
        set_password(conn, caller, caller.user_id, body.get("new_password"))
    return Response(status=204)


def list_all():
    """Users by id, a page at a time (``cursor`` is the last id seen)."""
    admin_only()
    active = {"true": True, "false": False}.get(request.args.get("active", ""))
    with runtime().read() as conn:
        items = list_users(conn, after_id=page_after(request.args.get("cursor")), limit=PAGE_SIZE, active=active)
    cursor = str(items[-1]["id"]) if len(items) == PAGE_SIZE else None
    return json_response({"items": items, "next_cursor": cursor})


def create():
    """Create a user with their profile, password and assignments, all or nothing."""
    admin_only()
    body, caller = object_body(), ctx()
    unknown = sorted(set(body) - ADMIN_FIELDS - {"username"})
    if unknown:
        raise RecordInvalid("identity.user.unknown_fields", errors={k: [Message("input.unknown")] for k in unknown})
    with runtime().write() as conn:
        user_id = create_user(conn, body.get("username"), **{k: body[k] for k in CREATE_FIELDS[1:] if k in body})
        audit.record(conn, "user.created", caller, subject=body.get("username"))
        assignments = {k: body[k] for k in ("team", "roles", "manager", "permission_sets") if k in body}
        profile = update_user(conn, caller, user_id, assignments) if assignments else user_json(conn, get_user(conn, user_id))
    return json_response(profile, 201, {"Location": f"{request.path}/{user_id}"})


def get_one(user_id):
    """One user: administrators read anyone, others only themselves."""
    caller = ctx()
    if not caller.is_admin and caller.user_id != user_id:
        raise PermissionDenied("api.users.admin_only")
    with runtime().read() as conn:
        return json_response(user_json(conn, get_user(conn, user_id)))


def patch_one(user_id):
    """Change a user's profile, flags, password or assignments (administrators only)."""
    admin_only()
    with runtime().write() as conn:
        return json_response(update_user(conn, ctx(), user_id, object_body()))


def deactivate(user_id):
    """Deactivate a user (users are never erased: records refer to them)."""
    admin_only()
    caller = ctx()
    if caller.user_id == user_id:
        raise PermissionDenied("identity.self_lockout")
    with runtime().write() as conn:
        set_active(conn, caller, user_id, False)
    return Response(status=204)


def register(bp):
    """Add the user routes to ``bp``."""
    bp.add_url_rule("/users", "users_list", list_all, methods=["GET"])
    bp.add_url_rule("/users", "users_create", create, methods=["POST"])
    bp.add_url_rule("/users/me", "users_me", me, methods=["GET"])
    bp.add_url_rule("/users/me", "users_me_patch", patch_me, methods=["PATCH"])
    bp.add_url_rule("/users/me/password", "users_me_password", change_my_password, methods=["POST"])
    bp.add_url_rule("/users/<int:user_id>", "users_get", get_one, methods=["GET"])
    bp.add_url_rule("/users/<int:user_id>", "users_patch", patch_one, methods=["PATCH"])
    bp.add_url_rule("/users/<int:user_id>", "users_delete", deactivate, methods=["DELETE"])

