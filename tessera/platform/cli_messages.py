"""What the command line says, rendered from the message catalogs in the terminal's locale
(``TESSERA_LOCALE``, else ``LC_ALL`` / ``LC_MESSAGES`` / ``LANG``; English by default)."""

import click

from tessera.i18n import as_message, env_locale, render


def text(message, **params):
    """``message`` (a code or a Message) rendered in the terminal's locale."""
    return render(as_message(message, **params), env_locale())


def say(message, *, err=False, **params):
    """Print ``message`` (a code with ``params``) on stdout, or stderr with ``err``."""
    click.echo(text(message, **params), err=err)


def failure(message, **params):
    """A ClickException carrying ``message`` in the terminal's locale."""
    return click.ClickException(text(message, **params))


def error_failure(error):
    """A ClickException for a typed error: its message, then one line per field path."""
    lines = [text(error.message)]
    lines += [f"  {path}: {'; '.join(text(m) for m in messages)}" for path, messages in error.errors.items()]
    return click.ClickException("\n".join(lines))
