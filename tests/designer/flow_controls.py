"""Reads the flow editor's form controls back out of its HTML, as a browser would show them:
{(scope, key): value} where scope is ``()`` for the flow, ``("step", 0)``, ``("step", 0,
"approver", 1)``, ``("step", 0, "approved", 0)`` (a step's action) or ``("final_approval", 0)``,
key is the control's ``data-k`` and value its value (a list for multiple selects, a bool for
check boxes). Controls inside <template> elements (the blanks the script clones) are skipped."""

from html.parser import HTMLParser


class FlowControls(HTMLParser):
    """Collects the editor's controls; ``values`` holds the result after ``feed``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values, self.hidden = {}, set()
        self._template = 0
        self._chain, self._li = [], []
        self._counts = {}
        self._when = None
        self._open = None  # (scope, key, kind, collected) of the select or textarea being read

    def _scope_start(self, scope):
        parent = tuple(self._chain)
        name = self._when if scope == "action" else scope
        count = self._counts.get((parent, name), -1) + 1
        self._counts[(parent, name)] = count
        self._chain.extend((name, count))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if tag == "fieldset" and "data-when" in a:
            self._when = a["data-when"]
        if tag == "li":
            scope = a.get("data-scope")
            self._li.append(scope)
            if scope:
                self._scope_start(scope)
        key = a.get("data-k")
        if "hidden" in a and "data-kind" in a:
            self.hidden.add((tuple(self._chain), a["data-kind"]))
        if key and tag == "input":
            value = "checked" in a if a.get("type") == "checkbox" else a.get("value", "")
            self.values[(tuple(self._chain), key)] = value
        elif key and tag in ("select", "textarea"):
            self._open = (tuple(self._chain), key, "multiple" in a, [])
        elif tag == "option" and self._open and "selected" in a:
            self._open[3].append(a.get("value", ""))

    def handle_data(self, data):
        if self._open and not self._template and self.lasttag == "textarea":
            self._open[3].append(data)

    def handle_endtag(self, tag):
        if tag == "template":
            self._template -= 1
        if self._template:
            return
        if tag in ("select", "textarea") and self._open:
            scope, key, multiple, found = self._open
            self.values[(scope, key)] = found if multiple else "".join(found)
            self._open = None
        if tag == "li" and self._li:
            if self._li.pop():
                del self._chain[-2:]


def flow_controls(html):
    """(values, hidden panels) of the editor page ``html``; see FlowControls."""
    parser = FlowControls()
    parser.feed(html)
    return parser.values, parser.hidden
