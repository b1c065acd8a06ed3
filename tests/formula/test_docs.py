"""The reference documentation covers every registered function, in English and Chinese."""
import re
from pathlib import Path

import pytest

from tessera.formula import all_functions

DOCS = Path(__file__).resolve().parents[2] / "docs"
BUILTIN = [s for s in all_functions() if s.family != "plugin"]


def documented(path: Path) -> set[str]:
    return set(re.findall(r"^\| `([A-Z_]+)\(", path.read_text(encoding="utf-8"), re.MULTILINE))


@pytest.mark.parametrize("page", ["formulas.md", "formulas.zh-CN.md"])
def test_every_registered_function_is_documented(page):
    missing = {s.name for s in BUILTIN} - documented(DOCS / page)
    assert not missing, f"undocumented in {page}: {sorted(missing)}"


def test_every_function_has_a_signature_summary_and_example():
    for spec in BUILTIN:
        assert spec.signature.startswith(spec.name + "(") and spec.summary and spec.example
