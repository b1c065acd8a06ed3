"""Directory helpers the performance data tests share: people, teams and callers."""

from sqlalchemy import insert, update

from tessera.runtime.identity import version as directory_version
from tessera.runtime.identity.units import create_unit, find_unit
from tessera.runtime.identity.users import create_token, create_user
from tessera.runtime.schema.system_tables import user, user_permission_set
from tests.conftest import Api


def person(app, username, *, team=None, permission_sets=()):
    """Create user ``username`` (in ``team``, holding ``permission_sets``); return their id."""
    with app.extensions["tessera"].write() as conn:
        user_id = create_user(conn, username)
        if team is not None:
            conn.execute(update(user).where(user.c.id == user_id).values(team_id=find_unit(conn, "team", team)["id"]))
        for name in permission_sets:
            conn.execute(insert(user_permission_set).values(user_id=user_id, permission_set=name))
        directory_version.bump(conn)
    return user_id


def team(app, name, parent=None):
    """Create team ``name`` under ``parent``."""
    with app.extensions["tessera"].write() as conn:
        create_unit(conn, "team", name, parent=parent)


def caller(app, user_id):
    """An API client acting as ``user_id`` through a fresh token."""
    with app.extensions["tessera"].write() as conn:
        token = create_token(conn, user_id)
    return Api(app.test_client(), token)
