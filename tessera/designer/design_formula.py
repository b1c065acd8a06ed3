"""The formula workbench (``/app/design/formula``) and the texts of the formula editor.

The workbench lets an administrator pick an object, write a formula in the editor every
formula input of the designer uses (``static/formula_editor.js``), try it on a record and
read the function reference. The editor enhances textareas on pages it does not render, so
it fetches its texts from ``/app/formula-editor/texts`` in the reader's locale.
"""

from flask import g, jsonify, request

from tessera.formula import FormulaType
from tessera.formula.reference import function_reference, global_reference
from tessera.i18n import Message, catalog
from tessera.runtime.access.admin import require_admin

from .guard import page_locale
from .reading import navigation
from .render import page

#: The editor's texts: every ``ui.formula_editor.*`` code of the catalogs.
TEXT_PREFIX = "ui.formula_editor."
#: Result types the workbench offers to expect (besides "any").
EXPECTED_TYPES = tuple(t.value for t in FormulaType if t is not FormulaType.NULL)


def workbench():
    """Pick an object, write a formula, try it on a record; the function reference below."""
    require_admin(g.ctx)
    locale = page_locale()
    objects = navigation(locale)
    names = [item.name for item in objects]
    chosen = request.args.get("object")
    chosen = chosen if chosen in names else (names[0] if names else None)
    expected = request.args.get("returns")
    expected = expected if expected in EXPECTED_TYPES else ""
    return page("app/design/formula.html", objects=objects, chosen=chosen, expected=expected,
                expected_types=EXPECTED_TYPES, functions=function_reference(locale),
                globals=global_reference(locale), formula=request.args.get("expression", ""))


def editor_texts():
    """{code suffix: text} of the editor's messages in the reader's locale (any signed-in reader)."""
    locale = page_locale()
    codes = sorted(code for code in catalog("en") if code.startswith(TEXT_PREFIX))
    return jsonify({code[len(TEXT_PREFIX):]: Message(code).render(locale) for code in codes})


def add_formula_pages(bp):
    """Register the formula workbench and the editor's texts on the ``ui`` blueprint."""
    bp.add_url_rule("/design/formula", "design_formula", workbench)
    bp.add_url_rule("/formula-editor/texts", "formula_editor_texts", editor_texts)
