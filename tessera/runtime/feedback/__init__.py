"""Feedback from the field: pain points and ideas users write from any page of the app,
triaged by administrators (``FeedbackService``)."""

from .service import FeedbackService

__all__ = ["FeedbackService"]
