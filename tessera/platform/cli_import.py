"""``tessera import FILE --object X``: a CSV or Excel file into an object, with a progress bar.

The import runs in this process as the user ``--as`` names (``admin`` by default), with that
user's rights, exactly as a job started over the API would (same checks, same report); its
job row lets the API follow it (``GET /api/v1/imports/{id}``).
"""

import sys

import click

from tessera.metadata.errors import MetadataError
from tessera.runtime.errors import RuntimeFailure
from tessera.runtime.imports.runner import MODES

from .cli_identity import cli_runtime, fail
from .cli_messages import failure, say, text

#: Failed rows the command prints; the API's report has them all (up to IMPORT_MAX_ERRORS).
SHOWN_ERRORS = 20


def _mapping(pairs):
    found = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise failure("cli.import.bad_map", pair=pair)
        found[field.strip()] = column.strip()
    return found or None


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--object", "object_name", required=True, help="The object the rows become records of.")
@click.option("--map", "pairs", multiple=True, metavar="FIELD=COLUMN",
              help="Put COLUMN into FIELD (repeat); without it, columns named like fields are taken.")
@click.option("--external-id", help="A unique field: rows whose value names a record update it.")
@click.option("--mode", type=click.Choice(MODES), default="all_or_nothing", show_default=True,
              help="all_or_nothing keeps nothing when a row fails; valid_rows keeps the rows that pass.")
@click.option("--as", "username", default="admin", show_default=True,
              help="The user who creates (and owns) the records; their rights apply.")
@click.option("--dry-run", is_flag=True, help="Check every row and report, keeping nothing.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), help="Default: from the file's extension.")
def import_file(path, object_name, pairs, external_id, mode, username, dry_run, fmt):
    """Import the rows of PATH (CSV or .xlsx) into OBJECT's records."""
    from tqdm import tqdm

    runtime = cli_runtime()
    try:
        ctx = runtime.imports.acting_as(username)
        params = runtime.imports.prepare(ctx, object_name, path, fmt=fmt, mapping=_mapping(pairs),
                                         external_id=external_id, mode=mode, dry_run=dry_run)
        with tqdm(total=params["total"], unit=text("cli.import.rows_unit"), file=sys.stderr,
                  dynamic_ncols=True) as bar:
            report = runtime.imports.run_local(ctx, path, params,
                                               on_progress=lambda p: _advance(bar, p))
    except (RuntimeFailure, MetadataError) as error:
        fail(error)
    _print_report(report)


def _advance(bar, progress):
    bar.update(progress.done - bar.n)
    bar.set_postfix_str(text("cli.import.postfix", failed=progress.failed), refresh=False)


def _print_report(report):
    if report["status"] == "failed":
        error = report["error"] or {}
        raise click.ClickException(text("cli.import.stopped", detail=_in_locale(error.get("detail", {}))))
    for item in report["errors"][:SHOWN_ERRORS]:
        fields = "; ".join(f"{path}: {', '.join(_in_locale(m) for m in messages)}"
                           for path, messages in item.get("errors", {}).items())
        say("cli.import.row_failed", row=item["row"], detail=_in_locale(item["detail"]), fields=fields, err=True)
    if report["failed"] > SHOWN_ERRORS:
        say("cli.import.more_failed", count=report["failed"] - SHOWN_ERRORS, id=report["id"], err=True)
    code = "cli.import.dry_run" if report["dry_run"] else (
        "cli.import.done" if report["kept"] else "cli.import.nothing_kept")
    say(code, id=report["id"], created=report["created"], updated=report["updated"], failed=report["failed"])
    if report["failed"]:
        raise SystemExit(1)


def _in_locale(texts):
    """A stored text (one per locale) in the terminal's locale."""
    from tessera.i18n import env_locale

    return texts.get(env_locale()) or texts.get("en", "")
