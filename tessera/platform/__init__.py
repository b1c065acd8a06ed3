"""The platform: the Flask app factory, REST API, authentication, config, CLI, plugins."""

from .app import create_app
from .hookspecs import hookimpl

__all__ = ["create_app", "hookimpl"]
