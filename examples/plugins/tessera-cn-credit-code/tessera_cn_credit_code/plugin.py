"""The hook implementations Tessera finds through the ``tessera.plugins`` entry point."""

from pathlib import Path

from tessera.platform import hookimpl

from .automation import NAME, normalise_credit_code
from .field_type import CreditCodeType
from .sms_channel import SmsChannel
from .workdays import WORKDAYS


@hookimpl
def tessera_register_field_types():
    """The ``cn_credit_code`` field type."""
    return [CreditCodeType()]


@hookimpl
def tessera_register_catalogs():
    """The plugin's messages in English and Simplified Chinese."""
    return [Path(__file__).parent / "locales"]


@hookimpl
def tessera_register_formula_functions():
    """The ``WORKDAYS(start, end)`` function."""
    return [WORKDAYS]


@hookimpl
def tessera_register_automation_actions():
    """The ``normalise_credit_code`` automation action."""
    return {NAME: normalise_credit_code}


@hookimpl
def tessera_register_notification_channels():
    """The ``cn_sms`` channel: notifications as text messages through an SMS gateway."""
    return {"cn_sms": SmsChannel()}
