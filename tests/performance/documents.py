"""Metadata documents the performance tests share: opportunities, their splits and KPIs."""

ACCOUNT = {"kind": "object", "name": "account", "fields": [
    {"name": "name", "type": "text"},
    {"name": "region", "type": "picklist", "options": ["North", "South"]},
]}
OPPORTUNITY = {"kind": "object", "name": "opportunity", "fields": [
    {"name": "title", "type": "text"},
    {"name": "amount", "type": "currency"},
    {"name": "cost", "type": "currency"},
    {"name": "discount", "type": "percent"},
    {"name": "stage", "type": "picklist", "options": ["Open", "Won", "Lost"]},
    {"name": "close_date", "type": "date"},
    {"name": "closed_at", "type": "datetime"},
    {"name": "account", "type": "lookup", "target": "account"},
    {"name": "sales_engineer", "type": "user"},
]}
SPLIT = {"kind": "object", "name": "opportunity_split", "fields": [
    {"name": "opportunity", "type": "master_detail", "target": "opportunity"},
    {"name": "member", "type": "user"},
    {"name": "share", "type": "number", "scale": 2},  # percentage points: 60 = 60 %
]}
OBJECTS = (ACCOUNT, OPPORTUNITY, SPLIT)


def kpi(name, **body):
    """A KPI document; an object KPI over opportunities unless ``body`` says otherwise."""
    if "formula" in body:
        return {"kind": "kpi", "name": name, **body}
    base = {"object": "opportunity", "measure": "SUM(amount)", "date_field": "close_date",
            "credit": {"user_field": "owner"}}
    return {"kind": "kpi", "name": name, **base, **body}


REVENUE = kpi("revenue", filter='stage = "Won"', label={"en": "Revenue", "zh-CN": "销售额"},
              direction="higher", category="result", unit="currency", scale=2)
SPLIT_CREDIT = {"split": {"object": "opportunity_split", "parent": "opportunity", "user": "member",
                          "percent": "share"}}
