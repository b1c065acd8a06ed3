"""Registers the people-administration pages: users and access, integrations, and every
reader's own API tokens."""

from .integrations_pages import add_integrations_pages
from .people_pages import add_people_pages
from .token_pages import add_token_pages


def add_people_admin_pages(bp):
    """Register "Users and access", "Integrations" and "API tokens" on the ``ui`` blueprint."""
    add_people_pages(bp)
    add_integrations_pages(bp)
    add_token_pages(bp)
