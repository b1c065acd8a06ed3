"""The ``tessera`` command line."""

import json
import sys
from pathlib import Path

import click

from tessera.runtime import Context
from tessera.metadata.errors import MetadataError
from tessera.runtime.errors import RuntimeFailure

from tessera.i18n import Message

from .cli_identity import cli_runtime, fail, run, token, user
from .cli_import import import_file
from .cli_messages import failure, say
from .config import ConfigError, load_settings


def _settings():
    try:
        return load_settings()
    except ConfigError as error:
        raise failure(error.message) from None


@click.group()
def main():
    """Tessera: a metadata-driven platform for CRM and sales performance."""


@main.command()
def init():
    """Create the database tables and the administrator ``admin``."""
    created = run(cli_runtime().accounts.initialise)
    say("cli.init.created_admin" if created else "cli.init.done_before", err=True)


main.add_command(user)
main.add_command(token)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host, port):
    """Run the development server."""
    _serve(host, port)


def _serve(host, port):
    from .app import create_app
    from .devserver import serve as serve_app
    from .event_jobs import start_dispatcher_without_redis
    from .timer_jobs import start_ticker_without_redis

    app = create_app()
    start_ticker_without_redis(app)
    start_dispatcher_without_redis(app)
    serve_app(app, host, port)


@main.command()
@click.option("--burst", is_flag=True, help="Fire the due timers, run the queued jobs, then stop.")
def worker(burst):
    """Run a background worker: rq jobs, timers and event delivery with TESSERA_REDIS_URL; timers and events without."""
    from .timer_jobs import run_worker_process

    settings = _settings()
    if not settings["REDIS_URL"] and not burst:
        say("cli.worker.polling", seconds=settings["TIMER_POLL_SECONDS"], err=True)
    try:
        run_worker_process(settings, burst=burst)
    except KeyboardInterrupt:  # Ctrl+C ends the poll; a timer being fired rolls back and fires later
        pass


@main.group()
def metadata():
    """Metadata documents: apply drafts, plan and publish."""


def _documents_in(path):
    path = Path(path)
    files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    for file in files:
        try:
            doc = json.loads(file.read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise failure("cli.file.unreadable", file=str(file), error=str(error)) from None
        for item in doc if isinstance(doc, list) else [doc]:
            if not isinstance(item, dict) or "kind" not in item or "name" not in item:
                raise failure("cli.file.needs_kind_and_name", file=str(file))
            yield file, item


@metadata.command("apply")
@click.argument("path", type=click.Path(exists=True))
def metadata_apply(path):
    """Save every document in PATH (a JSON file or a folder of them) as drafts, all or none."""
    runtime = cli_runtime()
    found = list(_documents_in(path))
    try:
        saved = runtime.metadata.apply(Context.cli(), [doc for _, doc in found])
    except MetadataError as error:
        error.message = Message("cli.file.error", file=str(found[error.position][0]), error=error.message)
        fail(error)
    except RuntimeFailure as error:  # a webhook's secret or URL refused
        fail(error)
    for item in saved:
        say("cli.metadata.draft_saved", kind=item["kind"], name=item["name"], version=item["version"])


@metadata.command("plan")
def metadata_plan():
    """Show what the next publish would do, as JSON."""
    result = run(cli_runtime().metadata.plan)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False, default=str))


@metadata.command("publish")
@click.option("--confirm-data-loss", is_flag=True, help="Allow steps that lose data.")
def metadata_publish(confirm_data_loss):
    """Check and publish every pending draft, at once however many rows it touches."""
    _, result = run(cli_runtime().publish_jobs.publish, confirm_data_loss=confirm_data_loss)
    say("cli.metadata.published", revision=result["revision"], steps=len(result["steps"]))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Load the demo and exit.")
def demo(host, port, no_serve):
    """Initialise a database, publish the example model, load samples and serve."""
    from .demo import load_demo
    from .demo_performance import current_quarter

    runtime = cli_runtime()
    try:
        secret = load_demo(runtime)
    except (MetadataError, RuntimeFailure) as error:
        fail(error)
    say("cli.demo.ready", secret=secret, err=True)
    say("cli.demo.try", secret=secret, host=host, port=port, err=True)
    say("cli.demo.try_leaderboard", secret=secret, host=host, port=port, period=current_quarter(runtime)[0].id,
        err=True)
    if not no_serve:
        _serve(host, port)


def add_plugin_commands(extra_plugins=()):
    """Add the click commands that plugins offer through ``tessera_cli_commands``."""
    from .plugins import make_plugin_manager

    for commands in make_plugin_manager(extra_plugins).hook.tessera_cli_commands():
        for command in commands or ():
            main.add_command(command)


main.add_command(import_file)
add_plugin_commands()

if __name__ == "__main__":
    sys.exit(main())
