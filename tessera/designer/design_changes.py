"""The designer's changes page: pending drafts with their diff, the plan in words, publish, revisions.

Everything is read through the runtime's metadata service with the reader's context, so a
reader who is not an administrator gets the 403 page the service's refusal becomes.
Discarding and publishing go from the browser to the REST API (``design_changes.js``).
"""

from dataclasses import dataclass

from flask import g, request

from tessera.formula.errors import FormulaError
from tessera.metadata.diff import document_diff
from tessera.metadata.errors import MetadataError
from tessera.metadata.plan_words import Labels, loss_sentence, step_sentence
from tessera.runtime.publish import changes as pending_changes

from .fields import localized
from .guard import page_locale
from .reading import problem_message, runtime
from .render import page, t

#: A value longer than this is cut when a diff shows it.
SHOWN_VALUE = 160


@dataclass(frozen=True)
class PlanLine:
    """One step of the plan as the page shows it: its sentence, why, and what it loses."""

    sentence: object
    reason: object = None
    loss: object = None


def _plain(value, depth=0):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        text = "; ".join(f"{key}: {_plain(item, depth + 1)}" for key, item in value.items())
        return f"({text})" if depth else text
    if isinstance(value, list):
        text = ", ".join(_plain(item, depth + 1) for item in value)
        return f"[{text}]" if depth else text
    return "" if value is None else str(value)


def shown(value):
    """A value of a document as short text people read: ``name: next_step; type: long_text``."""
    text = _plain(value)
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "…"


#: Named lists of an object whose items a diff path names: (list key, message code, label key or None).
NAMED_PARTS = {"fields": ("ui.design_changes.in_field", "label"),
               "validation_rules": ("ui.design_changes.in_rule", None)}


def where(change, path, locale):
    """(what the path is about in words or None, the rest of the path) for one diff line."""
    head, _, rest = path.partition(".")
    if head not in NAMED_PARTS or not rest:
        return None, path
    name, _, rest = rest.partition(".")
    code, label_key = NAMED_PARTS[head]
    items = [*((change["draft"] or {}).get(head) or []), *((change["published"] or {}).get(head) or [])]
    item = next((i for i in items if isinstance(i, dict) and i.get("name") == name), {})
    label = localized(item.get(label_key), locale, name) if label_key else name
    return t(code, name=label), rest


def _document_sets(ctx):
    service = runtime().metadata
    draft = {("object", d["name"]): d for d in service.list(ctx, "object")}
    published = {("object", d["name"]): d for d in service.list(ctx, "object", published=True)}
    return draft, published


def _document_label(change, locale):
    body = change["draft"] or change["published"] or {}
    label = body.get("label")
    return localized(label, locale, change["name"]) if isinstance(label, dict) else change["name"]


def pending_view(ctx, locale):
    """The pending drafts, each with its label and its diff against the published body."""
    found = []
    for change in pending_changes.pending(runtime(), ctx):
        diff = [(c, *where(change, c.path, locale)) for c in document_diff(change["published"], change["draft"])]
        found.append({**change, "label": _document_label(change, locale), "diff": diff})
    return found


def plan_view(ctx):
    """(plan, lines, problem): the dry run of the next publish in sentences, or why it cannot run
    (``problem`` is (message, {path: [messages]}))."""
    try:
        plan = runtime().metadata.plan(ctx)
    except (MetadataError, FormulaError) as error:  # the set fails its checks: say why
        return None, [], problem_message(error)
    labels = Labels(*_document_sets(ctx))
    lines = [PlanLine(step_sentence(step, labels), step.get("reason"), loss_sentence(step, labels))
             for step in plan["steps"]]
    return plan, lines, None


def design_changes():
    """The changes page: drafts with their diff, the plan in words, Publish, the revisions."""
    ctx, locale = g.ctx, page_locale()
    drafts = pending_view(ctx, locale)
    plan, lines, problem = plan_view(ctx)
    revisions = runtime().metadata.revisions(ctx)
    return page("app/design/changes.html", drafts=drafts, plan=plan, lines=lines, problem=problem,
                revisions=revisions, shown=shown, published=request.args.get("published", type=int))


def add_changes_pages(bp):
    """Register the changes page on the ``ui`` blueprint."""
    bp.add_url_rule("/design/changes", "design_changes", design_changes)
