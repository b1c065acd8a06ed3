"""The message catalogs: complete in every locale, consistent, and the only source of text.

A message is a code with parameters; each layer keeps its codes in
``tessera/<layer>/locales/<locale>.json``. These specifications fail when a code lacks a
text in a locale, when locales disagree on a code's parameters, when a raise site names a
code no catalog has, or when a raise site builds its message from English text.
"""

import ast
import fnmatch
import json
from pathlib import Path

import pytest

from tessera import i18n
from tessera.i18n import LOCALES, Message, catalog, placeholders, render
from tessera.metadata import errors as metadata_errors
from tessera.runtime import errors as runtime_errors

PACKAGE = Path(i18n.__file__).resolve().parents[1]
LAYER_DIRS = ["i18n", "formula", "metadata", "runtime", "platform", "designer"]


def _layer_catalogs():
    """{layer: {locale: {code: template}}} of every catalog file in the package."""
    found = {}
    for layer in LAYER_DIRS:
        folder = PACKAGE / layer / "locales"
        if folder.is_dir():
            found[layer] = {locale: json.loads((folder / f"{locale}.json").read_text("utf-8")) for locale in LOCALES}
    return found


CATALOGS = _layer_catalogs()
ALL_CODES = sorted(set().union(*(catalog(locale) for locale in LOCALES)))


def test_every_layer_keeps_a_catalog_for_every_locale():
    assert {"formula", "metadata", "runtime", "platform"} <= set(CATALOGS)


@pytest.mark.parametrize("layer", sorted(CATALOGS))
def test_every_code_of_a_layer_has_a_text_in_every_locale(layer):
    english, *others = (CATALOGS[layer][locale] for locale in LOCALES)
    for texts in others:
        assert sorted(set(english) - set(texts)) == [], "codes without a translation"
        assert sorted(set(texts) - set(english)) == [], "translations without an English text"
    for locale in LOCALES:
        assert all(isinstance(t, str) and t.strip() for t in CATALOGS[layer][locale].values()), locale


@pytest.mark.parametrize("code", ALL_CODES)
def test_a_code_takes_the_same_parameters_in_every_locale(code):
    english = placeholders(catalog("en")[code])
    for locale in LOCALES[1:]:
        assert placeholders(catalog(locale)[code]) == english, locale
    assert all(name.isidentifier() for name in english), "placeholders are plain names (no attributes, no indexes)"


def test_no_code_is_defined_by_two_layers():
    owners = {}
    for layer, locales in CATALOGS.items():
        for code in locales["en"]:
            owners.setdefault(code, []).append(layer)
    assert {code: layers for code, layers in owners.items() if len(layers) > 1} == {}


def test_a_message_renders_its_code_in_each_locale_and_is_its_english_text():
    message = Message("input.length.max", max=20)
    assert message == "Longer than maximum length 20."
    assert message.render("zh-CN") == "长度超过上限 20。"
    assert render(message, "fr") == "Longer than maximum length 20."


def test_nested_messages_render_in_the_locale_of_the_message_around_them():
    inner = Message("input.op.gte")
    outer = Message("input.range.min", min_op=inner, min=1)
    assert outer.render("en") == "Must be greater than or equal to 1."
    assert outer.render("zh-CN") == "必须大于或等于 1。"


def test_plain_text_is_never_translated_by_its_shape():
    assert render("Longer than maximum length 20.", "zh-CN") == "Longer than maximum length 20."


def test_a_plugin_catalog_adds_its_own_codes(tmp_path):
    from tessera.i18n import catalogs as catalog_module
    (tmp_path / "en.json").write_text(json.dumps({"plugin.credit_code.bad": "not a credit code: {value}"}))
    (tmp_path / "zh-CN.json").write_text(json.dumps({"plugin.credit_code.bad": "不是统一社会信用代码：{value}"}),
                                         encoding="utf-8")
    registered = list(catalog_module._extra_dirs)  # installed plugins' catalogs stay registered
    try:
        i18n.register_catalog(tmp_path)
        assert Message("plugin.credit_code.bad", value="X").render("zh-CN") == "不是统一社会信用代码：X"
    finally:
        catalog_module._extra_dirs[:] = registered
        catalog.cache_clear()
    assert "plugin.credit_code.bad" not in catalog("en")


# -- the source raises only codes the catalogs hold -------------------------------------------------

def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _message_takers():
    """Callables whose argument at the given position is a message code: {name: position}."""
    import tessera.platform.app  # noqa: F401 (imports every module that defines an error class)
    names = {cls.__name__: 0 for base in (runtime_errors.RuntimeFailure, metadata_errors.MetadataError)
             for cls in [base, *_subclasses(base)]}
    names.update({"Message": 0, "as_message": 0, "_rejected": 0, "failure": 0, "say": 0,
                  "ApiProblem": 2})
    return names


MESSAGE_TAKERS = _message_takers()
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _called_name(node):
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _message_arguments():
    """(place, argument node) for every message argument of every call in the package."""
    for path in SOURCES:
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            position = MESSAGE_TAKERS.get(_called_name(node))
            if position is not None and len(node.args) > position:
                yield f"{path.relative_to(PACKAGE.parent)}:{node.lineno}", node.args[position]


def _code_pattern(node):
    """The code (or a glob for an f-string code) an argument names; None for a variable."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(p.value if isinstance(p, ast.Constant) else "*" for p in node.values)
    return None


def test_every_code_the_source_names_is_in_the_catalog():
    unknown = []
    for place, node in _message_arguments():
        pattern = _code_pattern(node)
        if pattern is not None and not fnmatch.filter(ALL_CODES, pattern):
            unknown.append(f"{place} {pattern!r}")
    assert unknown == []


def test_no_raise_site_words_its_message_in_english():
    worded = [f"{place} {_code_pattern(node)!r}" for place, node in _message_arguments()
              if _code_pattern(node) is not None and " " in _code_pattern(node)]
    assert worded == []


def test_every_formula_diagnostic_code_is_in_the_catalog():
    used = set()
    for path in (PACKAGE / "formula").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and _called_name(node) in ("fail", "make_diagnostic", "error") \
                    and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                used.add(node.args[1].value)
            for keyword in getattr(node, "keywords", []):
                if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                    used.add(keyword.value.value)
    assert used and sorted(c for c in used if f"formula.{c}" not in catalog("en")) == []


def test_no_module_that_renders_messages_matches_text_with_regular_expressions():
    renderers = [*(PACKAGE / "i18n").glob("*.py"), PACKAGE / "platform" / "i18n.py", PACKAGE / "platform" / "problems.py",
                 PACKAGE / "formula" / "messages.py", PACKAGE / "platform" / "cli_messages.py"]
    for path in renderers:
        tree = ast.parse(path.read_text("utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert "re" not in imported, path
