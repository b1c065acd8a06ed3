"""How a route declares its OpenAPI operation: a decorator above the view function.

The declaration travels with the view (as its ``openapi_operation`` attribute, which
``functools.wraps`` copies to any wrapper), so the generator finds it by walking the URL
map. ``{object}`` and ``{Object}`` in the texts and ``$ref`` values of an operation on a
rule with ``<object_name>`` become each published object's name and CamelCase name.
"""

from dataclasses import dataclass, field

ATTRIBUTE = "openapi_operation"


@dataclass(frozen=True)
class Operation:
    """What the document says of one route: names, schemas, parameters and who sees it.

    ``returns`` is the JSON Schema of a JSON success body, ``content`` maps other media
    types to schemas, ``body`` is the JSON Schema of the request body, of media type
    ``body_media`` (``body_required`` false when it may be left out), ``parameters`` holds OpenAPI query and header parameters
    (path parameters come from the rule). ``also`` maps further success statuses to
    ``{"description", "schema", "headers"}`` (a route answering 200 or 202, say).
    ``admin`` operations are left out of the document other callers get; ``public`` ones
    need no authentication. ``equality_filters`` adds one query parameter per stored field.
    """

    operation_id: str
    summary: str
    tag: str
    status: str = "200"
    returns: dict | None = None
    content: dict | None = None
    body: dict | None = None
    body_media: str = "application/json"
    body_required: bool = True
    parameters: tuple = field(default_factory=tuple)
    admin: bool = False
    public: bool = False
    equality_filters: bool = False
    description: str | None = None
    also: dict | None = None


def operation(operation_id, summary, *, tag, **details):
    """Declare the OpenAPI operation of the view below (see ``Operation`` for ``details``)."""
    declared = Operation(operation_id, summary, tag, **details)

    def mark(view):
        setattr(view, ATTRIBUTE, declared)
        return view

    return mark


def declaration(view):
    """The Operation declared for ``view``, or None when the route declares none."""
    return getattr(view, ATTRIBUTE, None)
