"""Browser tests act the way a person does: only on a page that has finished loading.

The pages are server-rendered and their ES modules wire the buttons and forms once the
document is parsed. Playwright acts as soon as an element exists, so a click that follows a
navigation can land in the gap between the HTML and its modules, and is lost: no handler is
there yet. No person is that fast, and the failures it caused were the browser suite's only
flakiness under CI's load. ``install()`` makes every element action of Page and Locator first
wait until the element's document has fired ``load`` (its modules have run), then act.
"""

import functools

#: Resolves once the element's document has loaded (runs through the DevTools protocol, so
#: the page's Content-Security-Policy, which refuses eval, does not apply to it).
LOADED = """element => element.ownerDocument.readyState === "complete" || new Promise(resolve =>
    element.ownerDocument.defaultView.addEventListener("load", () => resolve(true), { once: true }))"""

#: The actions that give a page input; each waits for the load first.
ACTIONS = ("check", "click", "dblclick", "fill", "focus", "press", "press_sequentially", "select_option",
           "set_checked", "tap", "type", "uncheck")


def _after_load_of_locator(action):
    @functools.wraps(action)
    def act(self, *args, **kwargs):
        self.evaluate(LOADED, timeout=kwargs.get("timeout"))
        return action(self, *args, **kwargs)
    return act


def _after_load_of_selector(action):
    @functools.wraps(action)
    def act(self, selector, *args, **kwargs):
        self.locator(selector).first.evaluate(LOADED, timeout=kwargs.get("timeout"))
        return action(self, selector, *args, **kwargs)
    return act


def install():
    """Make Page and Locator element actions wait for their document's load (once per process)."""
    from playwright.sync_api import Locator, Page

    if getattr(Locator, "_waits_for_load", False):
        return
    for name in ACTIONS:
        setattr(Locator, name, _after_load_of_locator(getattr(Locator, name)))
        if hasattr(Page, name):
            setattr(Page, name, _after_load_of_selector(getattr(Page, name)))
    Locator._waits_for_load = True
