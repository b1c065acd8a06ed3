"""``tessera user`` and ``tessera token``: accounts and API tokens from the command line.

Each command is a thin caller of one runtime service, acting through the command line's
own context (``Context.cli()``): the runtime checks, writes and audits, with the actor
``cli``, exactly as it does for the API.
"""

import sys

import click

from tessera.metadata.errors import MetadataError
from tessera.runtime import Context, Runtime
from tessera.runtime.errors import RuntimeFailure

from .event_jobs import event_options, import_options, notification_options, webhook_options
from .plugins import plugged_runtime_options
from .cli_messages import error_failure, failure, say
from .config import ConfigError, load_settings


def cli_runtime():
    """The Runtime of the configured database, its system tables created."""
    try:
        settings = load_settings()
        runtime = Runtime(settings["DATABASE_URL"], event_options=event_options(settings),
                          webhook_options=webhook_options(settings), import_options=import_options(settings),
                          automation_max_depth=settings["AUTOMATION_MAX_DEPTH"],
                          notification_options=notification_options(settings), **plugged_runtime_options())
    except ConfigError as error:
        raise failure(error.message) from None
    runtime.create_schema()
    return runtime


def fail(error):
    """Stop the command with ``error``'s message and its field errors, one per line, in the
    terminal's locale."""
    raise error_failure(error)


def run(operation, *args, **kwargs):
    """Call a runtime service ``operation`` as the command line; a refusal ends the command readably."""
    try:
        return operation(Context.cli(), *args, **kwargs)
    except (RuntimeFailure, MetadataError) as error:
        fail(error)


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
    values = {"username": username, "email": email, "locale": locale, "is_admin": admin}
    if display_name is not None:
        values["display_name"] = display_name
    if password_stdin:
        values["password"] = _password(True)
    profile = run(cli_runtime().accounts.create, values)
    say("cli.user.created", username=username, id=profile["id"], err=True)


@user.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_passwd(username, password_stdin):
    """Set the password of USERNAME (prompted twice unless --password-stdin)."""
    run(cli_runtime().accounts.set_password, username, _password(password_stdin))
    say("cli.user.password_changed", username=username, err=True)


@user.command("deactivate")
@click.argument("username")
def user_deactivate(username):
    """Deactivate USERNAME: their tokens and sessions stop working at once."""
    run(cli_runtime().accounts.deactivate, username)
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
    values = {"name": name, "scope": "read" if read_only else "read_write", "objects": list(objects) or None,
              "expires_in_days": expires_in_days}
    made = run(cli_runtime().tokens.issue, values, user=username)
    click.echo(made["token"])


@token.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id):
    """Revoke the token TOKEN_ID (see ``tessera token list``)."""
    run(cli_runtime().tokens.revoke, token_id)
    say("cli.token.revoked", id=token_id, err=True)


@token.command("list")
@click.argument("username")
def token_list(username):
    """List the tokens of USERNAME (id, name, scope, last use, state)."""
    for row in run(cli_runtime().tokens.list, user=username):
        state = "revoked" if row["revoked_at"] else "live"
        click.echo(f"{row['id']}\t{row['name']}\t{row['scope']}\t{row['last_used_at'] or '-'}\t{state}")
