"""What the KPI and scheme designer reads: KPI and scheme documents (drafts beside the
published set, through the metadata service, so only administrators get them), the
objects and fields a KPI may name, and the people a scheme may apply to."""

from dataclasses import dataclass

from flask import current_app, g

from tessera.metadata.kpis import USER_SYSTEM_FIELDS
from tessera.runtime.errors import DirectoryEntryNotFound
from tessera.runtime.identity.users import find_user, get_user, list_users
from tessera.runtime.performance.schemes import applies_to_users

from .fields import localized

#: The KPI categories in the order the page groups them (the schema's enum; result is the default).
CATEGORIES = ("result", "process", "quality")
DATE_SYSTEM_FIELDS = ("created_at", "updated_at")
#: How many users the "applies to" picker lists (a larger organisation picks by role or team).
USER_PICKER_LIMIT = 200


def runtime():
    """The Runtime of the current app."""
    return current_app.extensions["tessera"]


@dataclass(frozen=True)
class DesignDocument:
    """A KPI or scheme as the designer lists it: its draft body (None when deleted at the next
    publish), the published body (None before its first publish) and its state in words' code."""

    name: str
    draft: dict | None
    published: dict | None

    @property
    def body(self):
        """The body the designer edits: the draft, else the published one."""
        return self.draft if self.draft is not None else self.published

    @property
    def state(self):
        """``published``, ``changed`` (a draft differs), ``new`` (never published) or ``deleting``."""
        if self.draft is None:
            return "deleting"
        if self.published is None:
            return "new"
        return "published" if self.draft == self.published else "changed"


def design_documents(kind):
    """{name: DesignDocument} of every document of ``kind``, drafts and published, by name."""
    rt = runtime()
    drafts = {doc["name"]: doc for doc in rt.metadata.list(g.ctx, kind)}
    published = {doc["name"]: doc for doc in rt.metadata.list(g.ctx, kind, published=True)}
    names = sorted(set(drafts) | set(published))
    return {name: DesignDocument(name, drafts.get(name), published.get(name)) for name in names}


def kpis_by_category(kpis):
    """[(category, [DesignDocument])] in CATEGORIES order, empty categories left out."""
    groups = {category: [] for category in CATEGORIES}
    for found in kpis.values():
        groups[found.body.get("category", "result")].append(found)
    return [(category, groups[category]) for category in CATEGORIES if groups[category]]


@dataclass(frozen=True)
class ObjectChoice:
    """An object a KPI may measure, with the names of the fields each KPI property may take."""

    name: str
    label: str
    dates: tuple
    users: tuple
    parents: tuple
    shares: tuple


def _names(doc, types):
    return tuple(f["name"] for f in doc.get("fields", []) if f.get("type") in types)


def object_choices(locale):
    """The published objects as ObjectChoices, by label."""
    rt = runtime()
    with rt.read() as conn:
        objects = rt.model(conn).objects
    found = []
    for name, obj in objects.items():
        doc = obj.doc
        found.append(ObjectChoice(name, localized(doc.get("label"), locale, name),
                                  _names(doc, ("date", "datetime")) + DATE_SYSTEM_FIELDS,
                                  USER_SYSTEM_FIELDS + _names(doc, ("user",)),
                                  _names(doc, ("lookup", "master_detail")), _names(doc, ("percent", "number"))))
    return sorted(found, key=lambda choice: choice.label.casefold())


@dataclass(frozen=True)
class People:
    """What a scheme's ``applies_to`` may name: roles and teams ((name, label)), users ((id, name, username))."""

    roles: list
    teams: list
    users: list


def _units(kind, locale):
    return [(unit["name"], localized(unit.get("label"), locale, unit["name"])) for unit in runtime().directory.list(kind)]


def people(locale, named=()):
    """The roles, teams and active users a scheme may apply to; the users ``named`` (ids or
    usernames, a scheme's ``applies_to.users``) always among them, whatever the list's limit or
    their being inactive, so saving the scheme again keeps them."""
    with runtime().read() as conn:
        rows = list_users(conn, limit=USER_PICKER_LIMIT, active=True) + list(_named_users(conn, named))
    users = {}
    for row in rows:
        users.setdefault(row["id"], (row["id"], row["display_name"] or row["username"], row["username"]))
    return People(_units("role", locale), _units("team", locale), list(users.values()))


def _named_users(conn, named):
    for ref in named or ():
        if isinstance(ref, str):
            row = find_user(conn, ref)
        else:
            try:
                row = get_user(conn, ref)
            except DirectoryEntryNotFound:
                row = None
        if row is not None:
            yield row


def schemes_holding(schemes, kpi_name):
    """The names of the published schemes with an item for ``kpi_name``."""
    return [found.name for found in schemes.values()
            if found.published and any(item["kpi"] == kpi_name for item in found.published["items"])]


def measured_first(users, applies_to):
    """``users`` (id, name, username) with those a scheme's ``applies_to`` names first."""
    with runtime().read() as conn:
        measured = applies_to_users(conn, applies_to)
    return sorted(users, key=lambda found: found[0] not in measured)
