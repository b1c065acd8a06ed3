"""A message: a code with parameters that renders itself in any locale.

``Message`` is a ``str`` whose value is its English rendering, so code that logs, joins
or stores messages keeps working; ``render(message, locale)`` gives any other locale.
"""

from .catalogs import DEFAULT_LOCALE, template


class _Values(dict):
    """Parameters for one rendering: nested messages render in the same locale."""

    def __init__(self, params, locale):
        super().__init__(params)
        self.locale = locale

    def __getitem__(self, key):
        value = super().__getitem__(key)
        if isinstance(value, (list, tuple)):  # alternatives: "a value or an operator"
            return template("list.or", self.locale).join(render(v, self.locale) for v in value)
        return render(value, self.locale)

    def __missing__(self, key):
        return "{" + key + "}"


def _fill(code, params, locale):
    text = template(code, locale)
    if text is None:
        return code
    return text.format_map(_Values(params, locale))


class Message(str):
    """The message ``code`` with ``params``; ``str(message)`` is its English text."""

    def __new__(cls, code, /, **params):
        self = super().__new__(cls, _fill(code, params, DEFAULT_LOCALE))
        self.code, self.params = code, params
        return self

    def render(self, locale):
        """This message in ``locale`` (English where the locale has no text)."""
        return _fill(self.code, self.params, locale)

    def format(self, *args, **params):
        """A copy with more parameters (marshmallow fills its messages this way)."""
        return Message(self.code, **{**self.params, **params})

    def __reduce__(self):
        return (_rebuild, (self.code, self.params))

    def __repr__(self):
        return f"Message({self.code!r}, **{self.params!r})"


def _rebuild(code, params):
    return Message(code, **params)


def as_message(value, /, **params):
    """A Message for ``value``: kept if it already renders itself, else taken as a code."""
    if isinstance(value, Message) or hasattr(value, "translations"):
        return value
    if isinstance(value, (list, tuple)):
        return [as_message(v) for v in value]
    if isinstance(value, dict):
        return {k: as_message(v) for k, v in value.items()}
    return Message(str(value), **params)


def render(value, locale):
    """Render a message, a text with ``translations``, a list or a plain value in ``locale``."""
    if isinstance(value, Message):
        return value.render(locale)
    translations = getattr(value, "translations", None)
    if translations:
        return translations.get(locale) or str(value)
    if isinstance(value, (list, tuple)):
        return [render(v, locale) for v in value]
    if isinstance(value, dict):
        return {k: render(v, locale) for k, v in value.items()}
    return value


class Translated(str):
    """A text that arrives written in several locales ({"en": ..., "zh-CN": ...}), such as
    an admin's validation message; ``str()`` is its English text."""

    def __new__(cls, translations, fallback=""):
        text = translations.get("en") or fallback or next(iter(translations.values()), "")
        self = super().__new__(cls, text)
        self.translations = dict(translations)
        return self
