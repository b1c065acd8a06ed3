"""The language's reference for people writing formulas: functions and globals with their
signatures and a one-line description in the reader's locale.

Descriptions are catalog codes (``formula.function.<name>``, ``formula.function.aggregate.<name>``
for aggregates, ``formula.global.<name>``); a plugin's function without a code of its own is
described by its ``summary``.
"""
from __future__ import annotations

import re

from tessera.i18n import Message, template

from .functions import FunctionSpec, all_functions
from .functions.registry import _CANONICAL
from .types import FormulaType as T, Scope

_REPEAT = "..."


def _parameter_names(signature: str) -> list[tuple[str, bool]]:
    """(name, optional) of each parameter written in ``NAME(a, [b], ...)``, repeats left out."""
    inside = signature[signature.find("(") + 1: signature.rfind(")")] if "(" in signature else ""
    names, depth = [], 0
    for part in inside.split(","):
        optional = depth > 0 or "[" in part
        depth += part.count("[") - part.count("]")
        name = re.sub(r"[\[\]\s]", "", part)
        if name and name != _REPEAT:
            names.append((name, optional))
    return names


def _returns(spec: FunctionSpec) -> str | None:
    """The result type when the signature fixes it; None when it depends on the arguments."""
    if isinstance(spec.returns, T):
        return spec.returns.value
    if spec.returns == "arg0" and spec.params and spec.params[0] in _CANONICAL:
        return _CANONICAL[spec.params[0]].value
    return None


def _describe(code: str, fallback: str, locale: str) -> str:
    return Message(code).render(locale) if template(code, locale) else fallback


def describe_function(spec: FunctionSpec, locale: str) -> dict:
    """One function as a JSON-ready dict: name, signature, parameters, result type, description."""
    params = []
    for index, (name, optional) in enumerate(_parameter_names(spec.signature or f"{spec.name}()")):
        kind = spec.params[index] if index < len(spec.params) else "any"
        params.append({"name": name, "type": kind, "optional": optional})
    code = f"formula.function.{'aggregate.' if spec.aggregate else ''}{spec.name.lower()}"
    return {
        "name": spec.name.upper(), "signature": spec.signature or f"{spec.name.upper()}()",
        "parameters": params, "variadic": spec.variadic, "returns": _returns(spec),
        "family": spec.family, "aggregate": spec.aggregate,
        "contexts": sorted(spec.contexts) if spec.contexts is not None else None,
        "description": _describe(code, spec.summary, locale),
    }


def function_reference(locale: str, context: str | None = None) -> list[dict]:
    """Every registered function (or those allowed in ``context``), scalar ones first, by name."""
    return [describe_function(spec, locale) for spec in all_functions()
            if context is None or spec.contexts is None or context in spec.contexts]


def global_reference(locale: str) -> list[dict]:
    """The globals a formula may read (``$today``, ``$now``, ``$user.*``) with type and description."""
    found = [("today", T.DATE), ("now", T.DATETIME)]
    found += [(f"user.{name}", info.type) for name, info in Scope({}, "").user_fields.items()]
    return [{"name": f"${name}", "type": kind.value, "description": _describe(f"formula.global.{name}", "", locale)}
            for name, kind in found]
