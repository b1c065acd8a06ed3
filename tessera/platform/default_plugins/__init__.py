"""Tessera's own features, plugged in through the same hooks as any plugin."""

from . import field_types, notification_channels

DEFAULT_PLUGINS = (field_types, notification_channels)
