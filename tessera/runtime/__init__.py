"""The runtime: interprets published metadata to store, check and serve records."""

from .context import Context
from .core import Runtime

__all__ = ["Context", "Runtime"]
