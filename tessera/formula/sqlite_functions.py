"""Deterministic SQL functions that SQLite lacks, for install_sqlite_functions().

They mirror the Python implementations exactly (numbers go through Decimal via
the float's shortest repr, so 2.675 rounds like the decimal 2.675).
"""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Callable

from .functions import _decimal as D
from .functions import math as M
from .functions import text as X
from .functions.logical import is_number


def _dec(value: Any) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _out(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() and abs(value) < 2**62 else float(value)


def _strict(fn: Callable) -> Callable:
    def wrapper(*args):
        if any(a is None for a in args):
            return None
        return fn(*args)
    return wrapper


def _never_raising(fn: Callable) -> Callable:
    """fn, answering NULL where it would raise.

    The formula functions bound their arguments so that they do not raise; this is the
    net under them, because an exception in a user-defined function aborts the whole
    statement (a request would fail) and SQLite's own overflow to infinity can reach them.
    """
    def wrapper(*args):
        try:
            return fn(*args)
        except Exception:  # noqa: BLE001 - whatever it is, a NULL beats an aborted statement
            return None
    return wrapper


def _tessera_value(text):
    result = X.value_py(text)
    return None if result is None else _out(result)


FUNCTIONS: dict[str, tuple[int, Callable]] = {
    "tessera_round": (2, _strict(lambda x, d: _out(M.round_py(_dec(x), _dec(d))))),
    "tessera_trunc": (2, _strict(lambda x, d: _out(M.trunc_py(_dec(x), _dec(d))))),
    "tessera_floor": (1, _strict(lambda x: _out(D.floor(_dec(x))))),
    "tessera_ceil": (1, _strict(lambda x: _out(D.ceiling(_dec(x))))),
    "tessera_mod": (2, _strict(lambda a, b: _out(D.mod(_dec(a), _dec(b))))),
    "tessera_num_text": (1, _strict(lambda x: D.number_text(_dec(x)) if math.isfinite(x) else None)),
    "tessera_value": (1, _strict(_tessera_value)),
    "tessera_isnumber": (1, lambda s: 1 if isinstance(s, str) and is_number(s) else 0),
    "tessera_upper": (1, _strict(lambda s: X.simple_case(s, True))),
    "tessera_lower": (1, _strict(lambda s: X.simple_case(s, False))),
    "tessera_initcap": (1, _strict(X.initcap)),
    "tessera_reverse": (1, _strict(lambda s: s[::-1])),
    "tessera_pad": (4, _strict(lambda s, n, f, left: X.pad(s, _dec(n), f, bool(left)))),
}

# Only registered when this SQLite build lacks its optional math functions.
MATH_FALLBACKS: dict[str, tuple[int, Callable]] = {
    "sqrt": (1, _strict(lambda x: float(_dec(x).sqrt(D.CTX)) if x >= 0 else None)),
    "exp": (1, _strict(lambda x: float(D.CTX.exp(_dec(x))))),
    "ln": (1, _strict(lambda x: float(D.CTX.ln(_dec(x))) if x > 0 else None)),
    "log": (1, _strict(lambda x: float(D.CTX.log10(_dec(x))) if x > 0 else None)),
    "power": (2, _strict(lambda a, b: float(D.CTX.power(_dec(a), _dec(b))))),
}


def install_sqlite_functions(dbapi_connection: Any) -> None:
    """Register Tessera's SQL helpers on a sqlite3 connection (call it on every connect).

    Needed by ROUND, TRUNC, FLOOR, CEILING, POWER, MOD, TEXT(number), VALUE, ISNUMBER, UPPER, LOWER,
    INITCAP, REVERSE, LPAD and RPAD on SQLite; also supplies sqrt/exp/ln/log/
    power when the SQLite build was compiled without math functions.
    """
    functions = dict(FUNCTIONS)
    try:
        dbapi_connection.execute("select sqrt(4), ln(1), power(2, 2), exp(0), log(1)").fetchall()
    except Exception:  # noqa: BLE001 - any failure means the math functions are missing
        functions.update(MATH_FALLBACKS)
    for name, (arity, fn) in functions.items():
        dbapi_connection.create_function(name, arity, _never_raising(fn), deterministic=True)
