"""Static types, metadata scope and evaluation environment of the formula language."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Mapping, Protocol, runtime_checkable


class FormulaType(str, enum.Enum):
    """The static type of a formula expression or field."""

    NUMBER = "number"
    CURRENCY = "currency"
    PERCENT = "percent"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    PICKLIST = "picklist"
    MULTI_PICKLIST = "multi_picklist"
    LOOKUP = "lookup"
    NULL = "null"

    def __str__(self) -> str:
        return self.value


NUMERIC_TYPES = frozenset({FormulaType.NUMBER, FormulaType.CURRENCY, FormulaType.PERCENT})
TEXT_TYPES = frozenset({FormulaType.TEXT, FormulaType.PICKLIST})
TEMPORAL_TYPES = frozenset({FormulaType.DATE, FormulaType.DATETIME})

# Storage scale used when comparing or displaying results of each numeric type.
DECLARED_SCALE = {FormulaType.CURRENCY: 2, FormulaType.PERCENT: 4, FormulaType.NUMBER: 10}


def is_assignable(actual: FormulaType, expected: FormulaType) -> bool:
    """True when a value of type `actual` may be used where `expected` is required.

    NULL fits everywhere, numeric types convert freely among themselves and a
    picklist value may be used as text.
    """
    if actual == expected or actual == FormulaType.NULL:
        return True
    if actual in NUMERIC_TYPES and expected in NUMERIC_TYPES:
        return True
    return actual == FormulaType.PICKLIST and expected == FormulaType.TEXT


@dataclass(frozen=True)
class FieldInfo:
    """A field a formula may reference. `target` names the object a LOOKUP points to."""

    name: str
    type: FormulaType
    target: str | None = None
    options: tuple[str, ...] = ()


def _default_user_fields() -> dict[str, FieldInfo]:
    return {
        "id": FieldInfo("id", FormulaType.LOOKUP, target="user"),
        "team": FieldInfo("team", FormulaType.TEXT),
        "roles": FieldInfo("roles", FormulaType.MULTI_PICKLIST),
        "manager": FieldInfo("manager", FormulaType.LOOKUP, target="user"),
        "name": FieldInfo("name", FormulaType.TEXT),
        "locale": FieldInfo("locale", FormulaType.TEXT),
    }


@dataclass(eq=False)
class Scope:
    """The metadata a formula is checked against.

    `objects` maps object name -> field name -> FieldInfo; `root` is the object
    whose record the formula is evaluated on; lookups may chain at most
    `max_hops` relationships; `user_fields` are the fields of `$user`.
    Scopes compare by identity, which is what the check cache keys on.
    """

    objects: Mapping[str, Mapping[str, FieldInfo]]
    root: str
    max_hops: int = 5
    user_fields: Mapping[str, FieldInfo] = field(default_factory=_default_user_fields)


@dataclass
class EvalEnv:
    """Everything outside the record that a formula may read at evaluation time.

    `now` is UTC: either naive (taken as UTC) or timezone-aware (converted to
    UTC and made naive before use). `today` is the org's current date.
    `fetch(object_name, id)` returns the related record for lookup hops in
    memory (or None). `prior` holds the previous values for ISCHANGED and
    PRIORVALUE; `is_new` tells ISNEW whether the record is being inserted.
    """

    today: date
    now: datetime
    user: Mapping[str, Any] = field(default_factory=dict)
    fiscal_year_start_month: int = 1
    fetch: Callable[[str, Any], Mapping[str, Any] | None] | None = None
    prior: Mapping[str, Any] | None = None
    is_new: bool = False


@runtime_checkable
class SqlBinder(Protocol):
    """What the runtime provides to compile a formula to SQL.

    `column(path)` returns the SQLAlchemy column (or compiled SQL of a formula
    field) for a field path such as ("amount",) or ("account", "owner", "region"),
    having arranged the joins the hops need. `dialect_name` is "sqlite" or
    "postgresql".
    """

    dialect_name: str

    def column(self, path: tuple[str, ...]) -> Any:  # pragma: no cover - protocol
        ...
