"""The designer's "Users and access" area (administrators): users, roles and teams with their
members, and permission sets edited as a matrix of object rights and field-level security.

Pages only read; every change goes from the browser to the REST API (``static/people_admin_forms.js``,
``static/permission_matrix.js``): users and units to ``/api/v1/users``, ``/roles``, ``/teams``,
permission sets as metadata drafts to ``/api/v1/metadata/permission_set`` (published elsewhere).
"""

from flask import g, request

from tessera.i18n import LOCALES
from tessera.runtime.access.admin import require_admin

from . import people_reading as people
from .guard import page_locale
from .render import page

UNIT_KINDS = {"roles": "role", "teams": "team"}


def _after(text):
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 19 else 0


def users():
    """Users by id, a page at a time, with their team, roles, permission sets and flags."""
    found, next_cursor = people.users_page(_after(request.args.get("cursor")))
    return page("app/design/people_users.html", tab="users", users=found, next_cursor=next_cursor)


def _user_form(user):
    locale = page_locale()
    return page("app/design/people_user.html", tab="users", user=user, locales=LOCALES,
                roles=people.unit_tree("role", locale), teams=people.unit_tree("team", locale),
                sets=people.published_sets())


def new_user():
    """The form creating a user (with a password) and their assignments."""
    require_admin(g.ctx)
    return _user_form(None)


def edit_user(user_id):
    """A user's profile and assignments to change; deactivate or reactivate them."""
    return _user_form(people.one_user(user_id))


def units(plural):
    """Every role (or team) in its hierarchy, and the form adding one."""
    kind = UNIT_KINDS[plural]
    return page("app/design/people_units.html", tab=plural, kind=kind, plural=plural,
                units=people.unit_tree(kind, page_locale()))


def unit(plural, name):
    """One role (or team): its label and parent to change, and its members."""
    kind = UNIT_KINDS[plural]
    found, members = people.unit_with_members(kind, name)
    others = [u for u in people.unit_tree(kind, page_locale()) if u.name != name]
    return page("app/design/people_unit.html", tab=plural, kind=kind, plural=plural, unit=found,
                members=members, others=others)


def permission_sets():
    """The permission sets (drafts), whether each is published, and the form adding one."""
    docs = people.draft_documents("permission_set")
    return page("app/design/people_sets.html", tab="sets", docs=docs,
                published=people.published_names("permission_set"))


def permission_set(name):
    """The matrix editor of one permission set's draft: object rights and field-level security."""
    found = people.draft("permission_set", name)
    return page("app/design/people_set.html", tab="sets", doc=found["body"], version=found["version"],
                rows=people.matrix(found["body"], page_locale()), rights=people.OBJECT_RIGHTS,
                defaults=people.FIELD_DEFAULTS)


def add_people_pages(bp):
    """Register the "Users and access" pages on the ``ui`` blueprint."""
    base = "/design/people"
    bp.add_url_rule(base, "design_people", users)
    bp.add_url_rule(f"{base}/users/new", "design_people_new_user", new_user)
    bp.add_url_rule(f"{base}/users/<int:user_id>", "design_people_user", edit_user)
    bp.add_url_rule(f"{base}/<any(roles, teams):plural>", "design_people_units", units)
    bp.add_url_rule(f"{base}/<any(roles, teams):plural>/<name>", "design_people_unit", unit)
    bp.add_url_rule(f"{base}/permission-sets", "design_people_sets", permission_sets)
    bp.add_url_rule(f"{base}/permission-sets/<name>", "design_people_set", permission_set)
