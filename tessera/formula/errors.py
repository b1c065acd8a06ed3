"""Typed diagnostics and exceptions raised by the formula language."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from tessera.i18n import Message, Translated

from .messages import render


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a formula, located by 1-based line and column.

    `end_column` is exclusive; `code` is a stable snake_case identifier;
    `message`/`message_zh` are English/Simplified Chinese; `excerpt` is the
    offending source line with a caret line underneath.
    """

    line: int
    column: int
    end_column: int
    token: str
    code: str
    message: str
    message_zh: str
    excerpt: str

    def to_dict(self) -> dict:
        """A JSON-ready dict of every field."""
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.line}:{self.column} {self.message}"

    def localized(self) -> Message:
        """"line:column message" as a Message that renders in English or Chinese."""
        text = Translated({"en": self.message, "zh-CN": self.message_zh})
        return Message("formula.at", line=self.line, column=self.column, message=text)


class FormulaError(Exception):
    """Raised for any problem with a formula; carries one or more diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @property
    def codes(self) -> list[str]:
        """The diagnostic codes, in source order."""
        return [d.code for d in self.diagnostics]


class FormulaEvalError(FormulaError):
    """Raised when a compiled formula fails at evaluation time (code "evaluation_error")."""


def excerpt(source: str, line: int, column: int, end_column: int) -> str:
    """The source line at `line` with carets under columns [column, end_column)."""
    lines = source.splitlines() or [""]
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    width = max(1, end_column - column)
    return f"{text}\n{' ' * (column - 1)}{'^' * width}"


def make_diagnostic(source: str, code: str, line: int, column: int,
                    end_column: int | None = None, token: str = "", **params) -> Diagnostic:
    """Build a Diagnostic for `code`, rendering both languages from `params`."""
    if end_column is None or end_column <= column:
        end_column = column + max(1, len(token))
    en, zh = render(code, {"token": token, **params})
    return Diagnostic(line, column, end_column, token, code, en, zh,
                      excerpt(source, line, column, end_column))


def fail(source: str, code: str, line: int = 1, column: int = 1,
         end_column: int | None = None, token: str = "", **params) -> FormulaError:
    """A FormulaError holding a single diagnostic (returned, for `raise fail(...)`)."""
    return FormulaError([make_diagnostic(source, code, line, column, end_column, token, **params)])
