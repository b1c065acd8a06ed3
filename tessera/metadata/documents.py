"""Validation of single metadata documents: JSON Schema first, then the kind's checks."""

from .errors import InvalidDocument
from .kinds import kind_spec
from .names import name_problem


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
        errors.setdefault(json_path(error.absolute_path), []).append(error.message)
    return errors


def validate_document(kind, name, doc):
    """Check one document of ``kind`` called ``name``; return it or raise InvalidDocument.

    The document's own ``kind`` and ``name`` must agree with the address it is saved at.
    """
    spec = kind_spec(kind)
    if not isinstance(doc, dict):
        raise InvalidDocument("a metadata document must be a JSON object", errors={"$": ["not an object"]})
    errors = schema_errors(spec.validator, doc)
    problem = name_problem(name)
    if problem:
        errors.setdefault("name", []).append(problem)
    elif doc.get("name") not in (None, name):
        errors.setdefault("name", []).append(f'does not match the address "{name}"')
    if not errors and spec.check:
        errors = spec.check(doc)
    if errors:
        raise InvalidDocument(f'{kind} "{name}" is not valid', errors=errors)
    return doc
