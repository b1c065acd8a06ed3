"""Bulk import over HTTP: upload a CSV or Excel file, then poll the import's progress.

``POST /imports`` takes a ``multipart/form-data`` body (the file and the options), checks
everything it can before any row is written, and answers 202 with the import's document
and its ``Location``; ``GET /imports/{id}`` answers its progress and, once ended, its
report (docs/imports.md).
"""

import json
import os
import tempfile

from flask import current_app, request, url_for

from tessera.i18n import Message
from tessera.runtime.errors import ImportInvalid
from tessera.runtime.imports.runner import MODES

from ..jobs import import_launcher
from ..jsonio import json_response
from ..openapi import operation
from ..openapi.components import INTEGER, NAME, NULLABLE_TEXT, PROBLEM, TEXT, obj
from .common import ctx, runtime

ROW_ERROR = {"type": "object", "required": ["row", "status", "code", "detail"],
             "properties": {"row": INTEGER, "status": INTEGER, "code": TEXT,
                            "detail": {"type": "object", "additionalProperties": TEXT},
                            "errors": {"type": "object", "additionalProperties": True}}}
IMPORT = obj(("id", "status", "object", "format", "mode", "dry_run", "progress", "created", "updated", "failed",
              "errors"),
             id=INTEGER, status={"type": "string", "enum": ["queued", "running", "succeeded", "failed"]},
             object=TEXT, format={"type": "string", "enum": ["csv", "xlsx"]}, filename=NULLABLE_TEXT,
             mode={"type": "string", "enum": list(MODES)}, dry_run={"type": "boolean"},
             external_id=NULLABLE_TEXT, mapping={"type": "object", "additionalProperties": TEXT},
             progress=obj(("done", "total"), done=INTEGER, total=INTEGER),
             created=INTEGER, updated=INTEGER, failed=INTEGER, kept={"type": ["boolean", "null"]},
             errors={"type": "array", "items": ROW_ERROR},
             error={"anyOf": [PROBLEM, {"type": "null"}]},
             created_at=TEXT, started_at=NULLABLE_TEXT, finished_at=NULLABLE_TEXT)
UPLOAD = {"type": "object", "required": ["file", "object"],
          "properties": {"file": {"type": "string", "format": "binary"}, "object": NAME,
                         "format": {"type": "string", "enum": ["csv", "xlsx"]},
                         "mapping": {"type": "string", "description": "JSON object: field name -> column header."},
                         "external_id": TEXT, "mode": {"type": "string", "enum": list(MODES)},
                         "dry_run": {"type": "string", "enum": ["true", "false"]}}}
LOCATION = {"Location": {"description": "Where to poll the import.", "schema": {"type": "string"}}}


def _options():
    """The form's options, checked for shape (the service checks them against the object)."""
    form, errors = request.form, {}
    mapping = None
    if form.get("mapping"):
        try:
            mapping = json.loads(form["mapping"])
        except ValueError:
            mapping = None
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            errors["mapping"] = [Message("import.mapping_json")]
    if form.get("dry_run", "false") not in ("true", "false"):
        errors["dry_run"] = [Message("input.one_of", choices="true, false")]
    if not form.get("object"):
        errors["object"] = [Message("input.required")]
    if errors:
        raise ImportInvalid("import.options_invalid", errors=errors)
    return {"mapping": mapping, "external_id": form.get("external_id") or None,
            "mode": form.get("mode") or "all_or_nothing", "dry_run": form.get("dry_run") == "true",
            "fmt": form.get("format") or None}


@operation("startImport", "Import a CSV or Excel file into an object", tag="imports", body=UPLOAD,
           body_media="multipart/form-data", status="202", returns=IMPORT,
           description="Checks the file's header and the mapping before any row is written (422 when they "
                       "do not fit), then runs the import as a job: poll its Location.")
def start_import():
    """Store the uploaded file and queue its import; answer the import's document."""
    upload = request.files.get("file")
    if upload is None:
        raise ImportInvalid("import.no_file", errors={"file": [Message("input.required")]})
    options = _options()
    service, reader = runtime().imports, ctx()
    fd, path = tempfile.mkstemp(prefix="tessera-upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            upload.save(handle)
        params = service.prepare(reader, request.form["object"], path, filename=upload.filename or None, **options)
        found = service.start(reader, path, params, launch=import_launcher(current_app))
    finally:
        os.unlink(path)
    return json_response(found, 202, {"Location": url_for("api.import_get", import_id=found["id"])})


@operation("getImport", "An import's progress and report", tag="imports", returns=IMPORT)
def get_import(import_id):
    """Rows done of total, created, updated and failed so far, and each failed row's problem."""
    return json_response(runtime().imports.get(ctx(), import_id, stale_after=current_app.config["JOB_STALE_SECONDS"]))


def register(bp):
    """Add the import routes to ``bp``."""
    bp.add_url_rule("/imports", "import_start", start_import, methods=["POST"])
    bp.add_url_rule("/imports/<int:import_id>", "import_get", get_import, methods=["GET"])
