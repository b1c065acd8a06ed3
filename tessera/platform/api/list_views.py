"""List view routes: the views of an object a caller may pick (shared ones read-only, with
``"shared": true``) and the caller's own personal views, which only they see and change."""

import json
from importlib import resources

from flask import Response

from tessera.runtime.list_views.shapes import SOME_TEXT

from ..jsonio import json_response
from ..openapi import operation
from ..openapi.components import BOOLEAN, INTEGER, LABEL, NULLABLE_TEXT, TEXT, items_of, obj
from .common import ctx, runtime
from .guards import object_body


def _kind_schema():
    text = resources.files("tessera.metadata").joinpath("schemas", "list_view.json").read_text("utf-8")
    return json.loads(text)


def _body_schema(kind):
    """A personal view's body: the shared kind's properties less its kind, name and object."""
    properties = {k: v for k, v in kind["properties"].items() if k in ("label", "columns", "filter", "sort", "default")}
    # each label text must hold more than blanks (the service says so too)
    label = kind["$defs"]["label"]
    properties["label"] = {**label, "additionalProperties": {**label["additionalProperties"], "pattern": SOME_TEXT.pattern}}
    return {"type": "object", "required": ["label", "columns"], "additionalProperties": False,
            "properties": properties}


BODY = _body_schema(_kind_schema())
SORT_KEY = obj(("field",), field=TEXT, direction={"enum": ["asc", "desc"]})
VIEW = obj(("id", "shared", "object", "label", "columns", "filter", "sort", "default"),
           id={"anyOf": [INTEGER, TEXT]}, shared=BOOLEAN, object=TEXT, label=LABEL,
           columns={"type": "array", "items": TEXT}, filter=NULLABLE_TEXT,
           sort={"type": "array", "items": SORT_KEY}, default=BOOLEAN, version=INTEGER)


@operation("list{Object}ListViews", "The list views of {object} the caller may pick", tag="{object}",
           returns=items_of(VIEW))
def list_views(object_name):
    """Shared views (``"shared": true``, id = their name) and the caller's own, defaults first."""
    return json_response(runtime().list_views.list(ctx(), object_name))


@operation("create{Object}ListView", "Save a personal list view of {object}", tag="{object}", status="201",
           body=BODY, returns=VIEW)
def create_view(object_name):
    """Store a personal view; its columns, filter and sort are refused as the records API refuses them."""
    return json_response(runtime().list_views.create(ctx(), object_name, object_body()), 201)


@operation("update{Object}ListView", "Change a personal list view of {object}", tag="{object}", body=BODY,
           returns=VIEW)
def update_view(object_name, view_id):
    """Replace one of the caller's personal views; anyone else's answers 404."""
    return json_response(runtime().list_views.update(ctx(), object_name, view_id, object_body()))


@operation("delete{Object}ListView", "Delete a personal list view of {object}", tag="{object}", status="204")
def delete_view(object_name, view_id):
    """Delete one of the caller's personal views; anyone else's answers 404."""
    runtime().list_views.delete(ctx(), object_name, view_id)
    return Response(status=204)


def register(bp):
    """Add the list view routes to ``bp``."""
    base = "/objects/<object_name>/list-views"
    bp.add_url_rule(base, "list_views", list_views, methods=["GET"])
    bp.add_url_rule(base, "list_views_create", create_view, methods=["POST"])
    bp.add_url_rule(f"{base}/<int:view_id>", "list_views_update", update_view, methods=["PUT"])
    bp.add_url_rule(f"{base}/<int:view_id>", "list_views_delete", delete_view, methods=["DELETE"])
