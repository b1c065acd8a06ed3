"""The demo's sales performance: a sales team, and this quarter's deals, splits and targets.

The example's ``performance/`` folder holds the metadata (a fiscal calendar, a split
object, KPIs and a quarterly scheme, published with the model), the people
(``people.json``) and the quarter (``quarter.json``). Deals are dated inside the quarter
holding today, so ``/api/v1/leaderboard`` and ``/api/v1/scorecards`` answer numbers
whenever the demo starts; a later quarter gets its own deals and targets on the next
start.
"""

import csv
import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tessera.runtime.errors import DirectoryEntryNotFound
from tessera.runtime.identity.principal import context_for_user
from tessera.runtime.identity.users import find_user
from tessera.runtime.performance import periods as P

SCHEME_KPIS = ("revenue", "margin", "team_selling", "win_rate", "discount")


def _read(folder, name):
    return json.loads((folder / "performance" / name).read_text("utf-8"))


def performance_documents(folder):
    """The performance metadata documents of the example (a file holds one or a list)."""
    for path in sorted((folder / "performance" / "metadata").glob("*.json")):
        found = json.loads(path.read_text("utf-8"))
        yield from (found if isinstance(found, list) else [found])


def load_people(runtime, ctx, folder):
    """Create the sales teams, roles and people the example names, those not there yet."""
    spec = _read(folder, "people.json")
    for kind, units in (("team", spec["teams"]), ("role", spec["roles"])):
        for unit in units:
            try:
                runtime.directory.get(kind, unit["name"])
            except DirectoryEntryNotFound:
                runtime.directory.create(ctx, kind, unit)
    ids = _user_ids(runtime, [person["username"] for person in spec["users"]])
    for person in spec["users"]:
        if ids.get(person["username"]) is None:
            values = {**person, **({"manager": ids[person["manager"]]} if "manager" in person else {})}
            ids[person["username"]] = runtime.accounts.create(ctx, values)["id"]


def _user_ids(runtime, usernames):
    with runtime.read() as conn:
        return {name: (found or {}).get("id") for name in usernames for found in [find_user(conn, name)]}


def current_quarter(runtime):
    """(the fiscal quarter holding today in the organisation's time zone, today)."""
    with runtime.read() as conn:
        calendar = runtime.performance.calendar(runtime.model(conn))
    today = datetime.now(ZoneInfo(runtime.timezone)).date()
    for year in (today.year - 1, today.year, today.year + 1):
        for period in P.in_year(calendar, "quarter", year):
            if period.start <= today <= period.end:
                return period, today
    raise LookupError(today)  # every day is in a quarter of its year, the one before or the one after


def load_quarter(runtime, ctx, folder):
    """Create this quarter's deals, their splits and the targets, unless its targets are set."""
    period, today = current_quarter(runtime)
    if runtime.performance.targets.list(ctx, {"period": period.id, "kpi": "revenue", "limit": "1"})["items"]:
        return
    spec = _read(folder, "quarter.json")
    ids = _user_ids(runtime, sorted({deal["rep"] for deal in spec["deals"]}))
    for rep, user_id in ids.items():
        _create_deals(runtime, user_id, [deal for deal in spec["deals"] if deal["rep"] == rep], ids, period, today)
    runtime.performance.targets.import_csv(ctx, _targets_csv(spec["targets"], period))


def _create_deals(runtime, user_id, deals, ids, period, today):
    """Create one rep's deals in their own name (they own them, as they would working the app),
    then the won deals' splits."""
    with runtime.read() as conn:
        rep = context_for_user(conn, runtime.model(conn), user_id)
    created = runtime.records.create_many(rep, "opportunity", [
        {"title": deal["title"], "amount": deal["amount"], "stage": deal["stage"], "sales_rep": user_id,
         "close_date": min(period.start + timedelta(days=deal["day"]), today).isoformat(),
         **{key: deal[key] for key in ("margin", "discount") if key in deal}} for deal in deals])
    splits = [{"opportunity": record_id, "member": ids[who], "share": share}
              for record_id, deal in zip(created, deals) if deal["stage"] == "Won"
              for who, share in deal.get("splits", [[deal["rep"], 100]])]
    if splits:
        runtime.records.create_many(rep, "opportunity_split", splits)


def _targets_csv(targets, period):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kpi", "user", "team", "period", "value"])
    for row in targets:
        for kpi in SCHEME_KPIS:
            if kpi in row:
                writer.writerow([kpi, row.get("user", ""), row.get("team", ""), period.id, row[kpi]])
    return out.getvalue()
