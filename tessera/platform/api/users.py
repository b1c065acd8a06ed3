"""User routes: administrators manage users and their assignments; everyone reads and edits
their own profile at /users/me."""

from flask import Response, request

from tessera.i18n import LOCALES, Message
from tessera.runtime.errors import InvalidQuery, PermissionDenied
from tessera.runtime.fields.serialize import MAX_ID
from tessera.runtime.fields.values import NOT_BLANK
from tessera.runtime.identity.users import EMAIL, get_user, list_users, user_json

from ..jsonio import json_response
from ..openapi import operation, ref
from ..openapi.components import ANY_OBJECT, NULLABLE_TEXT, TEXT, obj, query
from ..converters import at_most_regex
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


USERS_PAGE = obj(("items", "next_cursor"), items={"type": "array", "items": ref("User")}, next_cursor=NULLABLE_TEXT)
USERS_QUERY = (query("active", "true or false: only active or inactive users.",
                     {"type": "string", "enum": ["true", "false"]}),
               query("cursor", "The next_cursor of the previous page.",
                     {"type": "string", "pattern": f"^(?:{at_most_regex(MAX_ID)})?$"}))
PROFILE = {**obj(display_name={"type": "string", "minLength": 1, "maxLength": 255, "pattern": NOT_BLANK},
                 email={"type": ["string", "null"], "pattern": EMAIL.pattern}, locale={"type": "string", "enum": list(LOCALES)}),
           "additionalProperties": False}
PASSWORDS = obj(("current_password", "new_password"), current_password={"type": "string", "format": "password"},
                new_password={"type": "string", "format": "password"})
MY_PROFILE = {"allOf": [ref("User"), obj(permissions=ANY_OBJECT)]}


@operation("getMyProfile", "Your profile and rights", tag="users", returns=MY_PROFILE)
def me():
    """The caller's own profile, with a summary of their rights."""
    caller, rt = ctx(), runtime()
    with rt.read() as conn:
        profile = user_json(conn, get_user(conn, caller.user_id))
        profile["permissions"] = _rights_summary(caller, rt.model(conn))
    return json_response(profile)


@operation("updateMyProfile", "Change your display name, email or locale", tag="users", body=PROFILE,
           returns=ref("User"))
def patch_me():
    """Change the caller's display name, email or locale; anything else is refused with 403."""
    return json_response(runtime().accounts.update_own_profile(ctx(), object_body()))


@operation("changeMyPassword", "Change your password", tag="users", status="204", body=PASSWORDS)
def change_my_password():
    """Replace the caller's password after checking the current one."""
    body = object_body()
    runtime().accounts.change_own_password(ctx(), body.get("current_password"), body.get("new_password"))
    return Response(status=204)


def _active_filter(text):
    """True or False for ``active=true`` or ``false``, None when absent; 400 for anything else."""
    if text is None:
        return None
    if text not in ("true", "false"):
        raise InvalidQuery("query.param.invalid_value", param="active", value=repr(text), type="boolean",
                           errors={"active": [Message("input.one_of", choices="true, false")]})
    return text == "true"


@operation("listUsers", "List users", tag="users", admin=True, parameters=USERS_QUERY, returns=USERS_PAGE)
def list_all():
    """Users by id, a page at a time (``cursor`` is the last id seen)."""
    admin_only()
    active = _active_filter(request.args.get("active"))
    with runtime().read() as conn:
        items = list_users(conn, after_id=page_after(request.args.get("cursor")), limit=PAGE_SIZE, active=active)
    cursor = str(items[-1]["id"]) if len(items) == PAGE_SIZE else None
    return json_response({"items": items, "next_cursor": cursor})


@operation("createUser", "Create a user", tag="users", admin=True, status="201",
           body={**obj(("username",), username=TEXT), "additionalProperties": True}, returns=ref("User"))
def create():
    """Create a user with their profile, password and assignments, all or nothing."""
    admin_only()  # before the body is read
    profile = runtime().accounts.create(ctx(), object_body())
    return json_response(profile, 201, {"Location": f"{request.path}/{profile['id']}"})


@operation("getUser", "Read a user (others than yourself: administrators only)", tag="users",
           returns=ref("User"))
def get_one(user_id):
    """One user: administrators read anyone, others only themselves."""
    caller = ctx()
    if not caller.is_admin and caller.user_id != user_id:
        raise PermissionDenied("api.users.admin_only")
    with runtime().read() as conn:
        return json_response(user_json(conn, get_user(conn, user_id)))


@operation("updateUser", "Change a user", tag="users", admin=True, body=ANY_OBJECT, returns=ref("User"))
def patch_one(user_id):
    """Change a user's profile, flags, password or assignments (administrators only)."""
    admin_only()
    return json_response(runtime().accounts.update(ctx(), user_id, object_body()))


@operation("deactivateUser", "Deactivate a user", tag="users", admin=True, status="204")
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

