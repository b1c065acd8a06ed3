"""List views: the shared ones published as metadata (``list_view`` documents) and each
user's personal ones, kept in a runtime table (``ListViewService``)."""

from .service import ListViewService

__all__ = ["ListViewService"]
