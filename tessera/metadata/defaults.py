"""Static default values must fit their field, or the document is refused."""

from .fieldtype_registry import field_type_of


def default_problem(field_doc):
    """Return why a field's static ``default`` cannot be stored in it, or None."""
    value = field_doc.get("default")
    if value is None or isinstance(value, dict):
        return None
    return field_type_of(field_doc).default_problem(field_doc, value)
