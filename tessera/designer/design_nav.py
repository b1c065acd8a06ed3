"""The "Design" part of the navigation: the designer's areas, shown to administrators.

An area appears once its page exists (its endpoint is registered), so the areas can be
built one at a time.
"""

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class DesignLink:
    """One area of the designer: its page's endpoint and its label's message code."""

    endpoint: str
    label: str


DESIGN_AREAS = (
    DesignLink("ui.design_objects", "ui.nav.design.objects"),
    DesignLink("ui.design_layouts", "ui.nav.design.layouts"),
    DesignLink("ui.design_list_views", "ui.nav.design.list_views"),
    DesignLink("ui.design_formula", "ui.nav.design.formula"),
    DesignLink("ui.design_flows", "ui.nav.design.flows"),
    DesignLink("ui.design_kpis", "ui.nav.design.kpis"),
    DesignLink("ui.design_changes", "ui.nav.design.changes"),
    DesignLink("ui.design_people", "ui.nav.design.people"),
    DesignLink("ui.design_integrations", "ui.nav.design.integrations"),
)


def design_navigation(ctx):
    """The designer's areas the reader may open: every built one for administrators, none else."""
    if ctx is None or not ctx.is_admin:
        return []
    built = current_app.view_functions
    return [link for link in DESIGN_AREAS if link.endpoint in built]
