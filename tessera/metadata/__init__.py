"""Metadata documents: schemas, the versioned store, publish checks and migration plans."""

from . import objects  # noqa: F401  (registers the object kind)
from .errors import (
    ConcurrentPublish,
    DocumentNotFound,
    InvalidDocument,
    LossyChangeRefused,
    MetadataError,
    PublishRefused,
    UnknownKind,
)
from .kinds import KINDS, KindSpec, register_kind

__all__ = [
    "ConcurrentPublish", "DocumentNotFound", "InvalidDocument", "LossyChangeRefused",
    "MetadataError", "PublishRefused", "UnknownKind", "KINDS", "KindSpec", "register_kind",
]
