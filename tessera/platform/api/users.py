"""User routes: administrators manage users and their assignments; everyone reads and edits
their own profile at /users/me."""

from flask import Response, request

from tessera.runtime.errors import PermissionDenied
from tessera.runtime.identity.users import get_user, list_users, user_json

from ..jsonio import json_response
from .common import ctx, runtime
from .guards import admin_only, object_body, page_after

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
    return json_response(runtime().accounts.update_own_profile(ctx(), object_body()))


def change_my_password():
    """Replace the caller's password after checking the current one."""
    body = object_body()
    runtime().accounts.change_own_password(ctx(), body.get("current_password"), body.get("new_password"))
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
    profile = runtime().accounts.create(ctx(), object_body())
    return json_response(profile, 201, {"Location": f"{request.path}/{profile['id']}"})


def get_one(user_id):
    """One user: administrators read anyone, others only themselves."""
    caller = ctx()
    if not caller.is_admin and caller.user_id != user_id:
        raise PermissionDenied("only administrators may read other users")
    with runtime().read() as conn:
        return json_response(user_json(conn, get_user(conn, user_id)))


def patch_one(user_id):
    """Change a user's profile, flags, password or assignments (administrators only)."""
    return json_response(runtime().accounts.update(ctx(), user_id, object_body()))


def deactivate(user_id):
    """Deactivate a user (users are never erased: records refer to them)."""
    runtime().accounts.deactivate(ctx(), user_id)
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

