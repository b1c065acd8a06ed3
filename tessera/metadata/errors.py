"""Exceptions raised by the metadata layer.

Each error carries a stable ``code`` and, for input errors, a mapping of field path to
messages (``{"fields[2].name": ["..."]}``) in the style of marshmallow. Messages are
codes with parameters from ``tessera/metadata/locales``.
"""

from tessera.i18n import as_message


class MetadataError(Exception):
    """Base class for everything the metadata layer refuses."""

    code = "metadata_error"
    status = 400

    def __init__(self, message, *, errors=None, code=None, **params):
        self.message = as_message(message, **params)
        super().__init__(self.message)
        self.errors = {path: as_message(messages) for path, messages in (errors or {}).items()}
        if code:
            self.code = code


class InvalidDocument(MetadataError):
    """A document does not match its JSON Schema or the naming rules."""

    code = "invalid_document"
    status = 422


class UnknownKind(MetadataError):
    """The kind is not one the store knows."""

    code = "unknown_kind"
    status = 404


class DocumentNotFound(MetadataError):
    """No document of that kind and name exists."""

    code = "document_not_found"
    status = 404


class DocumentExists(MetadataError):
    """A document of that kind and name already exists, so it cannot be created again."""

    code = "document_exists"
    status = 409


class PublishRefused(MetadataError):
    """The candidate set fails its cross-checks; nothing was published."""

    code = "publish_refused"
    status = 422


class LossyChangeRefused(MetadataError):
    """The plan would lose data and the admin did not confirm it."""

    code = "lossy_change_refused"
    status = 409

    def __init__(self, message, *, steps, **params):
        super().__init__(message, errors={s["target"]: [s["loss"]] for s in steps}, **params)
        self.steps = steps


class ConcurrentPublish(MetadataError):
    """Another publish committed first; retry against the new revision."""

    code = "concurrent_publish"
    status = 409


class FieldTypeMissing(MetadataError):
    """Published metadata uses a field type this app does not have (its plugin is not installed)."""

    code = "field_type_missing"
    status = 503
