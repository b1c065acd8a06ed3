"""Whole-set checks run before a publish: each kind checks its documents against all."""

from .errors import FieldTypeMissing, PublishRefused
from .kinds import kind_spec

#: Extra checks over the whole candidate set, e.g. formulas type-check, no cycles.
#: Each takes the candidate set and returns {"kind/name": {path: [messages]}}.
SET_CHECKS = []


def register_set_check(check):
    """Add a check that runs over the whole candidate set at publish."""
    SET_CHECKS.append(check)
    return check


def cross_check(documents):
    """Raise PublishRefused naming every failing document, field path and reason."""
    errors = {}
    for (kind, name), doc in sorted(documents.items()):
        spec = kind_spec(kind)
        found = spec.cross_check(doc, documents) if spec.cross_check else {}
        for path, messages in found.items():
            errors.setdefault(f"{kind}/{name}", {})[path] = messages
    try:
        for check in SET_CHECKS:
            for address, found in check(documents).items():
                errors.setdefault(address, {}).update(found)
    except FieldTypeMissing:
        if not errors:
            raise
        # The documents' own checks name the field of the missing type; report that.
    if errors:
        flat = {
            f"{address}:{path}": messages
            for address, found in errors.items()
            for path, messages in found.items()
        }
        raise PublishRefused("metadata.publish.checks_failed", errors=flat)
