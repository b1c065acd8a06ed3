"""Text functions. Positions are 1-based; lengths and positions are truncated to integers."""
from __future__ import annotations

import ast
from decimal import Decimal

import sqlalchemy as sa

from ..types import NUMERIC_TYPES, FormulaType as T
from . import _decimal as D
from .logical import NUMBER_PATTERN, SQL_NUMBER_PATTERN
from .registry import FunctionSpec, TypeCall, register_function

PAD_LIMIT = 10_000  # LPAD/RPAD never build text longer than this


def _n(value: Decimal, low: int = -1_000_000, high: int = 1_000_000) -> int:
    return D.to_int(value, low, high)


def simple_case(text: str, upper: bool) -> str:
    """One-to-one case mapping (characters without a single-character mapping stay)."""
    mapped = text.upper() if upper else text.lower()
    if len(mapped) == len(text):
        return mapped
    convert = str.upper if upper else str.lower
    return "".join(c2 if len(c2 := convert(c)) == 1 else c for c in text)


def initcap(text: str) -> str:
    """Upper-case the first letter of each alphanumeric run, lower-case the rest."""
    out, inside = [], False
    for ch in text:
        out.append(simple_case(ch, upper=not inside))
        inside = ch.isalnum()
    return "".join(out)


def pad(text: str, length: Decimal, filler: str = " ", left: bool = True) -> str:
    """LPAD/RPAD: pad to `length` (capped at PAD_LIMIT) or cut to it."""
    size = _n(length, 0, PAD_LIMIT)
    if size <= len(text) or not filler:
        return text[:size]
    fill = (filler * ((size - len(text)) // len(filler) + 1))[:size - len(text)]
    return fill + text if left else text + fill


def left_py(text, n):
    return text[:_n(n, 0)]


def right_py(text, n):
    k = _n(n, 0)
    return text[max(len(text) - k, 0):] if k else ""


def mid_py(text, start, length):
    s, n = _n(start, 1), _n(length, 0)
    return text[s - 1:s - 1 + n]


def _literal_ints(nodes, lows):
    """The truncated/clamped ints of literal number arguments, or None if any is not literal."""
    values = []
    for node, low in zip(nodes, lows):
        if type(node).__name__ != "Literal" or node.value is None:
            return None
        values.append(_n(node.value, low))
    return values


def _slice_emitter(python, lows, make_slice):
    """LEFT/RIGHT/MID: with literal lengths the slice is computed at compile time."""
    def emit(em, node):
        ints = _literal_ints(node.args[1:], lows)
        if ints is None:
            return em.strict(node.args, lambda v: em.call_impl(python, v))
        return em.strict(node.args[:1], lambda v: make_slice(v[0], *ints))
    return emit


def _subscript(value, lower, upper):
    bound = lambda x: None if x is None else ast.Constant(x)  # noqa: E731
    return ast.Subscript(value, ast.Slice(bound(lower), bound(upper)), ast.Load())


def _right_slice(value, k):
    if k == 0:
        return ast.Constant("")
    return _subscript(value, -k, None)


def find_py(needle, text, start=None):
    s = 1 if start is None else _n(start, 1)
    if s > len(text) + 1:
        return Decimal(0)
    return Decimal(text.find(needle, s - 1) + 1)


def substitute_py(text, old, new):
    return text if old == "" else text.replace(old, new)


def value_py(text):
    return Decimal(text.strip(" ")) if NUMBER_PATTERN.fullmatch(text) else None


def text_py_for(ftype: T):
    """The Python TEXT() conversion for values of `ftype`."""
    if ftype in NUMERIC_TYPES:
        return D.number_text
    if ftype == T.DATE:
        return lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    if ftype == T.DATETIME:
        return lambda d: (f"{d.year:04d}-{d.month:02d}-{d.day:02d} "
                          f"{d.hour:02d}:{d.minute:02d}:{d.second:02d}")
    if ftype == T.BOOLEAN:
        return lambda b: "true" if b else "false"
    if ftype == T.MULTI_PICKLIST:
        return lambda values: ";".join(values) if not isinstance(values, str) else values
    return str


def _text_inline(em, node):
    fn = text_py_for(node.args[0].type)
    return em.strict(node.args, lambda v: em.call_impl(fn, v))


def _text_sql(call):
    ctx, x, ftype = call.ctx, call.args[0], call.types[0]
    if ftype in NUMERIC_TYPES:
        if ctx.sqlite:
            return sa.func.tessera_num_text(x)
        return sa.cast(sa.func.trim_scale(ctx.numeric(x)), sa.String())
    if ftype == T.DATE:
        return sa.func.strftime("%Y-%m-%d", x) if ctx.sqlite else sa.func.to_char(x, "YYYY-MM-DD")
    if ftype == T.DATETIME:
        if ctx.sqlite:
            return sa.func.strftime("%Y-%m-%d %H:%M:%S", x)
        return sa.func.to_char(x, "YYYY-MM-DD HH24:MI:SS")
    if ftype == T.BOOLEAN:
        return ctx.once(x, lambda b: sa.case((b, ctx.text("true")), (sa.not_(b), ctx.text("false")),
                                             else_=sa.null()))
    return sa.cast(x, sa.String())


def _int(call, i, low=-1_000_000, high=1_000_000):
    return call.ctx.int_arg(call.args[i], low, high)


def _right_sql(call):
    ctx = call.ctx
    return ctx.once_each((call.args[0], _int(call, 1, 0)), lambda s, k: _right(ctx, s, k))


def _right(ctx, s, k):
    tail = sa.func.substr(s, -k) if ctx.sqlite else sa.func.right(s, k)
    return sa.case((k <= 0, sa.case((s.is_(None), sa.null()), else_=ctx.text(""))), else_=tail)


def _find_sql(call):
    ctx = call.ctx
    start = _int(call, 2, 1) if len(call.args) > 2 else ctx.int(1)
    return ctx.once_each((call.args[0], call.args[1], start),
                         lambda needle, s, start: _find(ctx, needle, s, start))


def _find(ctx, needle, s, start):
    pos = ctx.position(sa.func.substr(s, start), needle)
    found = sa.case((pos == 0, ctx.num(0)), else_=pos + start - 1)
    # A NULL needle is NULL even where the start lies past the end of the text.
    return sa.case((needle.is_(None), sa.null()), (start > sa.func.length(s) + 1, ctx.num(0)),
                   else_=found)


def _ends_sql(call):
    ctx = call.ctx
    return ctx.once_each(call.args[:2], lambda s, p: _ends(ctx, s, p))


def _ends(ctx, s, p):
    n = sa.func.length(p)
    tail = sa.func.substr(s, -n) if ctx.sqlite else sa.func.right(s, n)
    return sa.case((sa.and_(s.is_not(None), n == 0), sa.true()), else_=tail == p)


def _begins_sql(call):
    return call.ctx.once(call.args[1], lambda p: sa.func.substr(
        call.args[0], 1, sa.func.length(p)) == p)


def _pad_sql(left):
    def build(call):
        ctx, s, n = call.ctx, call.args[0], _int(call, 1, 0, PAD_LIMIT)
        filler = call.args[2] if len(call.args) > 2 else ctx.text(" ")
        if ctx.sqlite:
            return sa.func.tessera_pad(s, n, filler, 1 if left else 0)
        return (sa.func.lpad if left else sa.func.rpad)(s, n, filler)
    return build


def _value_sql(call):
    ctx, s = call.ctx, call.args[0]
    if ctx.sqlite:
        return sa.func.tessera_value(s)
    return ctx.once(s, lambda s: sa.cast(
        sa.case((s.op("~")(SQL_NUMBER_PATTERN), sa.func.trim(s)), else_=sa.null()), sa.Numeric()))


def _concat_py(*values):
    return "".join(v for v in values if v is not None)


def _concat_sql(call):
    return call.ctx.concat(*[sa.func.coalesce(a, "") for a in call.args])


def _sqlite_or(name, pg):
    return lambda c: getattr(sa.func, name)(*c.args) if c.ctx.sqlite else pg(c)


def _any_to_text(call: TypeCall) -> T:
    return T.TEXT


def _t(name, params, returns, python, sql, signature, summary, example, **kw):
    return FunctionSpec(name, "text", params, returns=returns, python=python, sql=sql,
                        signature=signature, summary=summary, example=example, **kw)


def _register() -> None:
    num = lambda c, e: sa.cast(e, sa.Numeric()) if not c.ctx.sqlite else e  # noqa: E731
    specs = [
        _t("LEN", ("text",), T.NUMBER, lambda s: Decimal(len(s)),
           lambda c: num(c, sa.func.length(c.args[0])), "LEN(text)",
           "number of characters", 'LEN("héllo") = 5'),
        _t("LEFT", ("text", "number"), T.TEXT, left_py,
           lambda c: sa.func.substr(c.args[0], 1, _int(c, 1, 0)), "LEFT(text, n)",
           "first n characters (n < 0 counts as 0)", 'LEFT("Tessera", 3) = "Tes"',
           inline_python=_slice_emitter(left_py, (0,), lambda v, k: _subscript(v, None, k))),
        _t("RIGHT", ("text", "number"), T.TEXT, right_py, _right_sql, "RIGHT(text, n)",
           "last n characters", 'RIGHT("Tessera", 3) = "era"',
           inline_python=_slice_emitter(right_py, (0,), _right_slice)),
        _t("MID", ("text", "number", "number"), T.TEXT, mid_py,
           lambda c: sa.func.substr(c.args[0], _int(c, 1, 1), _int(c, 2, 0)),
           "MID(text, start, length)", "length characters from 1-based start (start < 1 is 1)",
           'MID("Tessera", 2, 3) = "ess"', inline_python=_slice_emitter(
               mid_py, (1, 0), lambda v, st, n: _subscript(v, st - 1, st - 1 + n))),
        _t("UPPER", ("text",), T.TEXT, lambda s: simple_case(s, True),
           _sqlite_or("tessera_upper", lambda c: sa.func.upper(c.args[0])), "UPPER(text)",
           "upper case (one-to-one mapping: ß stays ß)", 'UPPER("abc") = "ABC"'),
        _t("LOWER", ("text",), T.TEXT, lambda s: simple_case(s, False),
           _sqlite_or("tessera_lower", lambda c: sa.func.lower(c.args[0])), "LOWER(text)",
           "lower case (one-to-one mapping)", 'LOWER("ABC") = "abc"'),
        _t("INITCAP", ("text",), T.TEXT, initcap,
           _sqlite_or("tessera_initcap", lambda c: sa.func.initcap(c.args[0])), "INITCAP(text)",
           "capitalise each word (a word is a run of letters/digits)",
           'INITCAP("hello wORLD") = "Hello World"'),
        _t("TRIM", ("text",), T.TEXT, lambda s: s.strip(" "),
           lambda c: sa.func.trim(c.args[0]), "TRIM(text)",
           "remove leading and trailing spaces", 'TRIM("  a b ") = "a b"'),
        _t("LPAD", ("text", "number", "text"), T.TEXT, lambda s, n, f=" ": pad(s, n, f, True),
           _pad_sql(True), "LPAD(text, length, [fill])",
           "pad on the left to length (cut if longer; length capped at 10000)",
           'LPAD("7", 3, "0") = "007"', min_args=2),
        _t("RPAD", ("text", "number", "text"), T.TEXT, lambda s, n, f=" ": pad(s, n, f, False),
           _pad_sql(False), "RPAD(text, length, [fill])",
           "pad on the right to length (cut if longer; length capped at 10000)",
           'RPAD("7", 3, "0") = "700"', min_args=2),
        _t("CONTAINS", ("text", "text"), T.BOOLEAN, lambda s, sub: sub in s,
           lambda c: c.ctx.position(c.args[0], c.args[1]) > 0, "CONTAINS(text, part)",
           "TRUE when part occurs in text (case-sensitive)", 'CONTAINS("Tessera", "ss")'),
        _t("BEGINS", ("text", "text"), T.BOOLEAN, lambda s, p: s.startswith(p),
           _begins_sql, "BEGINS(text, prefix)", "TRUE when text starts with prefix",
           'BEGINS("Tessera", "Tes")'),
        _t("ENDS", ("text", "text"), T.BOOLEAN, lambda s, p: s.endswith(p), _ends_sql,
           "ENDS(text, suffix)", "TRUE when text ends with suffix", 'ENDS("Tessera", "era")'),
        _t("FIND", ("text", "text", "number"), T.NUMBER, find_py, _find_sql,
           "FIND(search, text, [start])", "1-based position of search in text, 0 when absent",
           'FIND("s", "Tessera") = 3, FIND("x", "Tessera") = 0', min_args=2),
        _t("SUBSTITUTE", ("text", "text", "text"), T.TEXT, substitute_py,
           lambda c: sa.func.replace(*c.args), "SUBSTITUTE(text, old, new)",
           "replace every occurrence of old (empty old changes nothing)",
           'SUBSTITUTE("a-b-c", "-", "/") = "a/b/c"'),
        FunctionSpec("TEXT", "text", ("any",), type_rule=_any_to_text,
                     inline_python=_text_inline, sql=_text_sql, signature="TEXT(value)",
                     summary="value as text: numbers plain without trailing zeros, dates "
                     "YYYY-MM-DD, datetimes YYYY-MM-DD HH:MM:SS (UTC), booleans true/false",
                     example='TEXT(1.50) = "1.5"'),
        _t("VALUE", ("text",), T.NUMBER, value_py, _value_sql, "VALUE(text)",
           'the number in text such as " -12.5 "; NULL when not a plain number',
           'VALUE("42") = 42'),
        _t("REVERSE", ("text",), T.TEXT, lambda s: s[::-1],
           _sqlite_or("tessera_reverse", lambda c: sa.func.reverse(c.args[0])), "REVERSE(text)",
           "characters in reverse order", 'REVERSE("abc") = "cba"'),
        FunctionSpec("CONCAT", "text", ("text",), returns=T.TEXT, variadic=True, strict=False,
                     never_null=True, python=_concat_py, sql=_concat_sql,
                     signature="CONCAT(text, ...)", summary="join texts; NULL counts as empty",
                     example='CONCAT(first_name, " ", last_name)'),
    ]
    for spec in specs:
        register_function(spec, replace=True)


_register()
