"""Explain shows a split share as a plain decimal: 40 and 100, never 4E+1 or 1E+2."""

from tessera.runtime import Context
from tests.helpers import define

from .documents import OBJECTS, SPLIT_CREDIT, kpi
from .test_scorecards_api import Floor, scheme


def test_a_split_share_reads_as_a_plain_decimal(app, api):
    floor = Floor(app, api)
    ann, bob = floor.person("ann"), floor.person("bob")
    split_revenue = kpi("split_revenue", credit=SPLIT_CREDIT, filter='stage = "Won"')
    assert define(api, *OBJECTS, split_revenue, scheme("plan", [{"kpi": "split_revenue", "weight": 1}],
                                                         users=[ann, bob])).status_code == 200
    shared, own = floor.deal("ann", "1000", "2026-02-01"), floor.deal("bob", "250", "2026-02-03")
    clerk = Context(user_id=ann, username="ann", is_admin=True)
    for deal_id, who, share in ((shared, bob, "40"), (shared, ann, "60"), (own, bob, "100")):
        app.extensions["tessera"].records.create(clerk, "opportunity_split", {
            "opportunity": deal_id, "member": who, "share": share})
    why = api.get(f"/api/v1/scorecards/explain?user={bob}&period=2026-Q1&kpi=split_revenue").get_json()
    assert [(line["share"], line["contribution"]) for line in why["lines"]] == [("40", "400.00"), ("100", "250.00")]
