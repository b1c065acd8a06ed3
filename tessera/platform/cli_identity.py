"""``tessera user`` and ``tessera token``: accounts and API tokens from the command line.

Every change is audited with the actor ``cli``.
"""

import sys

import click

from tessera.runtime import Runtime
from tessera.runtime.audit import log as audit
from tessera.runtime.errors import RuntimeFailure
from tessera.runtime.identity.users import create_user, find_user, set_active, set_password
from tessera.runtime.identity.tokens import check_objects_published, issue_token, list_tokens, revoke_token

from .cli_messages import error_failure, failure, say
from .config import ConfigError, load_settings

CLI = "cli"


class _CliActor:
    """The actor the audit log records for command-line changes."""

    user_id, username, token_id, ip = None, CLI, None, None


def _runtime():
    try:
        runtime = Runtime(load_settings()["DATABASE_URL"])
    except ConfigError as error:
        raise failure(error.message) from None
    runtime.create_schema()
    return runtime


def _fail(error):
    raise error_failure(error)


def _user(conn, username, *, active=True):
    found = find_user(conn, username)
    if found is None:
        raise failure("cli.user.missing", username=username)
    if active and not found["active"]:
        raise failure("cli.user.deactivated", username=username)
    return found


def _password(from_stdin):
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)


@click.group()
def user():
    """User accounts."""


@user.command("create")
@click.argument("username")
@click.option("--display-name", help="The name shown to others.")
@click.option("--email")
@click.option("--locale", type=click.Choice(["en", "zh-CN"]), default="en", show_default=True)
@click.option("--admin", is_flag=True, help="Give the user the administrator right.")
@click.option("--password-stdin", is_flag=True, help="Read a password from standard input.")
def user_create(username, display_name, email, locale, admin, password_stdin):
    """Create USERNAME (without --password-stdin the user can use API tokens only, until passwd)."""
    password = _password(True) if password_stdin else None
    try:
        with _runtime().write() as conn:
            user_id = create_user(conn, username, display_name=display_name, email=email, locale=locale,
                                  is_admin=admin, password=password)
            audit.record(conn, "user.created", _CliActor(), subject=username)
    except RuntimeFailure as error:
        _fail(error)
    say("cli.user.created", username=username, id=user_id, err=True)


@user.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_passwd(username, password_stdin):
    """Set the password of USERNAME (prompted twice unless --password-stdin)."""
    password = _password(password_stdin)
    try:
        with _runtime().write() as conn:
            set_password(conn, _CliActor(), _user(conn, username, active=False)["id"], password)
    except RuntimeFailure as error:
        _fail(error)
    say("cli.user.password_changed", username=username, err=True)


@user.command("deactivate")
@click.argument("username")
def user_deactivate(username):
    """Deactivate USERNAME: their tokens and sessions stop working at once."""
    with _runtime().write() as conn:
        set_active(conn, _CliActor(), _user(conn, username, active=False)["id"], False)
    say("cli.user.deactivated_now", username=username, err=True)


@click.group()
def token():
    """API tokens."""


@token.command("create")
@click.argument("username")
@click.option("--name", default="cli", help="What the token is for.")
@click.option("--read-only", is_flag=True, help="The token may only read.")
@click.option("--object", "objects", multiple=True, help="Limit the token to this object (repeatable).")
@click.option("--expires-in-days", type=int, help="Days until the token expires (default: never).")
def token_create(username, name, read_only, objects, expires_in_days):
    """Print a new token for USERNAME as the only line on standard output."""
    try:
        runtime = _runtime()
        with runtime.write() as conn:
            found = _user(conn, username)
            check_objects_published(runtime.model(conn), list(objects) or None)
            token_id, secret = issue_token(conn, found["id"], name, scope="read" if read_only else "read_write",
                                           objects=list(objects) or None, expires_in_days=expires_in_days)
            audit.record(conn, "token.created", _CliActor(), subject=f"token {token_id}",
                         details={"user": found["id"], "scope": "read" if read_only else "read_write"})
    except RuntimeFailure as error:
        _fail(error)
    click.echo(secret)


@token.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id):
    """Revoke the token TOKEN_ID (see ``tessera token list``)."""
    try:
        with _runtime().write() as conn:
            revoke_token(conn, _CliActor(), token_id)
    except RuntimeFailure as error:
        _fail(error)
    say("cli.token.revoked", id=token_id, err=True)


@token.command("list")
@click.argument("username")
def token_list(username):
    """List the tokens of USERNAME (id, name, scope, last use, state)."""
    with _runtime().read() as conn:
        rows = list_tokens(conn, _user(conn, username, active=False)["id"])
    for row in rows:
        state = "revoked" if row["revoked_at"] else "live"
        click.echo(f"{row['id']}\t{row['name']}\t{row['scope']}\t{row['last_used_at'] or '-'}\t{state}")
