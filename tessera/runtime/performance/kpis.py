"""KPI definitions of a compiled model: measure, filter and derived formulas, checked once per revision."""

from dataclasses import dataclass

from tessera.formula import check, compile_python
from tessera.metadata.formulas import scope_for
from tessera.metadata.kpis import check_formula, kpi_scope, parse_measure

from ..errors import KpiNotFound

DEFAULT_SCALE = 2


@dataclass(frozen=True)
class KpiDefinition:
    """One published KPI ready to compute: either ``measure`` (with ``filter``) or ``derived``."""

    name: str
    doc: dict
    measure: object = None  # tessera.metadata.kpis.Measure
    filter: object = None  # CheckedFormula of the filter, or None
    derived: object = None  # CheckedFormula over other KPIs
    evaluate: object = None  # the derived formula's Python form

    @property
    def scale(self):
        """Decimal places of the KPI's values."""
        return self.doc.get("scale", DEFAULT_SCALE)

    @property
    def parts(self):
        """The KPIs a derived KPI reads (none for a measured one)."""
        return sorted({path[0] for path in self.derived.references}) if self.derived else []


def _build(model, name, doc):
    if "formula" in doc:
        checked = check_formula(doc["formula"], kpi_scope(model.documents))
        return KpiDefinition(name, doc, derived=checked, evaluate=compile_python(checked))
    scope = scope_for(model.documents, doc["object"])
    filter_checked = check(doc["filter"], scope, context="filter") if doc.get("filter") else None
    return KpiDefinition(name, doc, measure=parse_measure(doc["measure"], scope), filter=filter_checked)


def kpi_definition(model, name):
    """The KpiDefinition of published KPI ``name`` (built once per revision); raises KpiNotFound."""
    cache = model.cache.setdefault("kpi_definitions", {})
    if name not in cache:
        doc = model.documents.get(("kpi", name))
        if doc is None:
            raise KpiNotFound("performance.kpi.not_found", name=name)
        cache[name] = _build(model, name, doc)
    return cache[name]
