"""Source text -> syntax tree, with positions and hard size limits.

The LALR parser runs the tree builder inline (bottom-up, no recursion), so
pathological nesting is rejected with a diagnostic instead of a RecursionError.
"""
from __future__ import annotations

import re
from decimal import Decimal
from importlib import resources

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from tessera.i18n import Message

from .errors import FormulaError, fail
from .nodes import Binary, Call, FieldRef, GlobalRef, Literal, Node, Pos, Unary
from .types import FormulaType

MAX_SOURCE_LENGTH = 4000
MAX_DEPTH = 48
MAX_NODES = 1000

_OPERATORS = {"==": "=", "<>": "!=", "&&": "and", "||": "or"}
_KEYWORDS = ("and", "or", "not")  # infix/prefix logical keywords, any case
_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t", "r": "\r"}
_VALUE_START = {"NUMBER", "STRING", "NAME", "GLOBAL", "LPAR", "TRUE", "FALSE", "NULL", "MINUS", "PLUS",
                "NOT_KW"}
_OPERATOR = {"STAR", "SLASH", "CARET", "AMP", "CMP", "AND", "OR", "AND_KW", "OR_KW"}
_SYMBOLS = {"RPAR": ")", "COMMA": ",", "DOT": "."}


class _Limit(Exception):
    def __init__(self, code: str, pos: Pos, limit: int):
        self.code, self.pos, self.limit = code, pos, limit


def _tok_pos(tok: Token) -> Pos:
    return Pos(tok.line, tok.column, tok.end_column or tok.column + len(tok), str(tok))


def _span(first: Node | Pos, last: Node | Pos, token: str) -> Pos:
    a = first if isinstance(first, Pos) else first.pos
    b = last if isinstance(last, Pos) else last.pos
    end = b.end_column if b.line == a.line else a.column + len(token)
    return Pos(a.line, a.column, end, token)


def _sized(node: Node) -> Node:
    kids = node.children()
    if kids:
        node.depth = 1 + max(k.depth for k in kids)
        node.size = 1 + sum(k.size for k in kids)
    if node.depth > MAX_DEPTH:
        raise _Limit("too_deep", node.pos, MAX_DEPTH)
    if node.size > MAX_NODES:
        raise _Limit("too_many_nodes", node.pos, MAX_NODES)
    return node


def _unescape(tok: Token) -> str:
    body, out, i = str(tok)[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", body[i + 2:i + 6]):
            out.append(chr(int(body[i + 2:i + 6], 16)))
            i += 6
        else:
            col = tok.column + 1 + i
            raise _BadEscape(Pos(tok.line, col, col + 2, "\\" + nxt))
    return "".join(out)


class _BadEscape(Exception):
    def __init__(self, pos: Pos):
        self.pos = pos


class _Builder(Transformer):
    """Inline LALR callbacks building our own node classes."""

    def number(self, c):
        return Literal(_tok_pos(c[0]), Decimal(str(c[0])), FormulaType.NUMBER)

    def string(self, c):
        return Literal(_tok_pos(c[0]), _unescape(c[0]), FormulaType.TEXT)

    def true(self, c):
        return Literal(_tok_pos(c[0]), True, FormulaType.BOOLEAN)

    def false(self, c):
        return Literal(_tok_pos(c[0]), False, FormulaType.BOOLEAN)

    def null(self, c):
        return Literal(_tok_pos(c[0]), None, FormulaType.NULL)

    def global_ref(self, c):
        return GlobalRef(_tok_pos(c[0]), str(c[0])[1:])

    def path(self, c):
        text = ".".join(str(t) for t in c)
        return _sized(FieldRef(_span(_tok_pos(c[0]), _tok_pos(c[-1]), text), tuple(str(t) for t in c)))

    def arguments(self, c):
        return list(c)

    def call(self, c):
        name, _lpar, args, _rpar = c
        return _sized(Call(_tok_pos(name), str(name).upper(), args or []))

    def paren(self, c):
        return c[1]

    def binary(self, c):
        left, op, right = c
        return _sized(Binary(_tok_pos(op), _operator(op), left, right))

    def unary(self, c):
        op, operand = c
        return _sized(Unary(_tok_pos(op), _operator(op), operand))


def _operator(tok: Token) -> str:
    """The operator's canonical spelling: "==" is "=", "&&" and AND are "and", NOT is "not"."""
    text = str(tok)
    return text.lower() if text.isalpha() else _OPERATORS.get(text, text)


_PARSER = Lark(
    resources.files(__package__).joinpath("grammar.lark").read_text(encoding="utf-8"),
    parser="lalr",
    transformer=_Builder(),
    maybe_placeholders=True,
)


def parse(source: str) -> Node:
    """Parse `source` into a syntax tree, raising FormulaError with a located diagnostic.

    Enforces MAX_SOURCE_LENGTH characters, MAX_DEPTH nesting and MAX_NODES elements.
    """
    if not isinstance(source, str):
        raise fail("", "unexpected_character", token=repr(type(source).__name__))
    if len(source) > MAX_SOURCE_LENGTH:
        raise fail(source, "too_long", 1, 1, 2, length=len(source), limit=MAX_SOURCE_LENGTH)
    if not source.strip():
        raise fail(source, "empty_formula", 1, 1, 2)
    try:
        return _PARSER.parse(source)
    except _Limit as exc:
        p = exc.pos
        raise fail(source, exc.code, p.line, p.column, p.end_column, p.token, limit=exc.limit) from None
    except _BadEscape as exc:
        p = exc.pos
        raise fail(source, "bad_escape", p.line, p.column, p.end_column, p.token) from None
    except UnexpectedInput as exc:
        raise _syntax_error(source, exc) from None


def _expected(names) -> dict:
    """Summarise the terminals the parser would accept, as catalog messages."""
    names = set(names)
    found = []
    if names & _VALUE_START:
        found.append(Message("formula.expected.value"))
    if names & _OPERATOR:
        found.append(Message("formula.expected.operator"))
    for name in sorted(names - _VALUE_START - _OPERATOR):
        if name == "$END":
            found.append(Message("formula.expected.end"))
        elif name == "NAME":
            found.append(Message("formula.expected.name"))
        else:
            found.append(f'"{_SYMBOLS.get(name, name.lower())}"')
    return {"expected": found or Message("formula.expected.nothing")}


def _syntax_error(source: str, exc: UnexpectedInput) -> FormulaError:
    if isinstance(exc, UnexpectedCharacters):
        char = source[exc.pos_in_stream] if exc.pos_in_stream < len(source) else ""
        code = "unterminated_string" if char in "\"'" else "unexpected_character"
        return fail(source, code, exc.line, exc.column, exc.column + 1, char)
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        keyword = _stray_keyword(exc)
        if keyword is not None:
            return _keyword_error(source, keyword)
        if tok.type == "$END":
            line, col = _end_position(source)
            return fail(source, "unexpected_end", line, col, col + 1, "", **_expected(exc.expected))
        return fail(source, "unexpected_token", tok.line, tok.column, tok.end_column, str(tok),
                    **_expected(exc.expected))
    return fail(source, "unexpected_end", *_end_position(source), **_expected(()))


def _stray_keyword(exc: UnexpectedToken) -> Token | None:
    """A logical keyword the parser had to read as a name just before the error.

    AND/OR where a value must come (`AND amount`, `a AND OR b`) and NOT after an
    operator that binds tighter (`a = NOT b`) lex as NAME; the real mistake is
    the keyword, not the token after it.
    """
    stack = getattr(exc.state, "value_stack", None) or []
    last = stack[-1] if stack else None
    if isinstance(last, Token) and last.type == "NAME" and last.lower() in _KEYWORDS:
        return last
    return None


def _keyword_error(source: str, tok: Token) -> FormulaError:
    """"unexpected AND; expected a value", located at the keyword (NOT adds a hint)."""
    word = str(tok).upper()
    hint = {"hint": Message("formula.hint.negate", word=word)} if word == "NOT" else {}
    return fail(source, "unexpected_token", tok.line, tok.column, tok.end_column, str(tok),
                expected=Message("formula.expected.value"), **hint)


def _end_position(source: str) -> tuple[int, int]:
    lines = source.split("\n")
    return len(lines), len(lines[-1]) + 1
