"""The ``normalise_credit_code`` automation action: a code typed anyhow, stored as a valid code.

Web forms and imports bring credit codes with spaces, hyphens and lower case letters in a
text field. In a rule, ``{"normalise_credit_code": {"from": "raw_code", "to": "credit_code"}}``
reads the text field ``from``, drops every space and hyphen, upper-cases it and, when the
result is a valid code, writes it to ``to`` (a ``cn_credit_code`` field, or the same text
field). A text that is no valid code is left as it is and ``to`` is not touched: a
validation rule, not this action, decides whether such a record may be saved.
"""

from .checksum import normalise, problem
from .messages import message

NAME = "normalise_credit_code"


def cleaned(text):
    """The code ``text`` stands for (spaces and hyphens dropped, upper case), or None when it is none."""
    if not isinstance(text, str):
        return None
    code = normalise("".join(char for char in text if char not in " -\u3000"))
    return code if problem(code) is None else None


def normalise_credit_code(run, spec):
    """Write the valid code read from field ``spec["from"]`` to field ``spec["to"]`` of the record."""
    code = cleaned(run.record.get(spec["from"]))
    target = spec.get("to", spec["from"])
    if code is not None and run.record.get(target) != code:
        run.runtime.records.update_in(run.conn, run.ctx, run.obj.name, run.record_id, {target: code})


def check(spec, rule_doc):
    """The spec names the field to read (``from``); ``to`` is optional."""
    if not isinstance(spec.get("from"), str) or not isinstance(spec.get("to", ""), str):
        return {"from": [message("action_spec")]}
    return {}


normalise_credit_code.check = check
