"""Metadata documents: schemas, the versioned store, publish checks and migration plans."""

from . import formula_checks, objects  # noqa: F401  (register the object kind and formula checks)
from . import permission_sets, sharing_rules  # noqa: F401  (register the security kinds)
from . import fiscal_calendar, kpi_schemes, kpis  # noqa: F401  (register the performance kinds)
from . import approval_flows  # noqa: F401  (register the approval flow kind)
from . import webhooks  # noqa: F401  (register the webhook kind)
from . import automations  # noqa: F401  (register the automation kind)
from . import assignment  # noqa: F401  (register the assignment rule and lead pool kinds)
from . import inbound_endpoints  # noqa: F401  (register the inbound endpoint kind)
from . import layouts  # noqa: F401  (register the form layout kind)
from . import list_views  # noqa: F401  (register the list view kind)
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
