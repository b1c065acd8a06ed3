"""The OpenAPI 3.1 document: generated from the registered routes and their declarations."""

from .components import ref
from .declare import Operation, operation
from .generate import build_document

__all__ = ["Operation", "build_document", "operation", "ref"]
