"""Validation of single metadata documents: JSON Schema first, then the kind's checks."""

from tessera.i18n import Message

from .errors import InvalidDocument
from .kinds import kind_spec
from .names import name_problem
from .schema_messages import schema_message


def json_path(parts):
    """Render a jsonschema path deque as ``fields[2].name``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "$"


def schema_errors(validator, doc):
    """Return the JSON Schema violations of ``doc`` keyed by field path."""
    errors = {}
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.path))):
        found = errors.setdefault(json_path(error.absolute_path), [])
        message = schema_message(error)
        if message not in found:  # "required" reports once per missing name, each naming all of them
            found.append(message)
    return errors


def validate_document(kind, name, doc):
    """Check one document of ``kind`` called ``name``; return it or raise InvalidDocument.

    The document's own ``kind`` and ``name`` must agree with the address it is saved at.
    """
    spec = kind_spec(kind)
    if not isinstance(doc, dict):
        raise InvalidDocument("metadata.document.not_an_object", errors={"$": [Message("metadata.not_an_object")]})
    errors = schema_errors(spec.validator, doc)
    problem = None if name in spec.allowed_names else name_problem(name)
    if problem:
        errors.setdefault("name", []).append(problem)
    elif doc.get("name") not in (None, name):
        errors.setdefault("name", []).append(Message("metadata.name.address_mismatch", name=name))
    if not errors and spec.check:
        errors = spec.check(doc)
    if errors:
        raise InvalidDocument("metadata.document.invalid", kind=kind, name=name, errors=errors)
    return doc
