"""KPIs through the API: drafted and published like objects, refused with problems naming the
field, and their data checks for administrators."""

from tessera.runtime.identity.users import create_token, create_user
from tests.conftest import Api
from tests.helpers import define

from .documents import OBJECTS, SPLIT_CREDIT, kpi

SPLIT_REVENUE = kpi("split_revenue", credit=SPLIT_CREDIT, filter='stage = "Won"')


def test_a_kpi_filter_with_a_typo_is_refused_naming_field_and_position_and_nothing_is_published(api):
    assert define(api, *OBJECTS).status_code == 200
    before = api.get("/api/v1/metadata/revisions").get_json()
    response = define(api, kpi("revenue", filter='stage = "Wn" && stgae = "Won"'))
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "publish_refused"
    assert list(body["errors"]) == ["kpi/revenue:filter"]
    assert body["errors"]["kpi/revenue:filter"][0].startswith("1:")
    assert api.get("/api/v1/metadata/revisions").get_json() == before
    assert api.get("/api/v1/metadata/kpi/revenue?state=published").status_code == 404


def test_a_kpi_is_published_and_read_back_like_any_document(api):
    assert define(api, *OBJECTS, SPLIT_REVENUE).status_code == 200
    read = api.get("/api/v1/metadata/kpi/split_revenue?state=published")
    assert read.status_code == 200 and read.get_json()["body"]["credit"] == SPLIT_CREDIT


def _records(api, object_name, *bodies):
    ids = []
    for body in bodies:
        response = api.post(f"/api/v1/objects/{object_name}/records", json=body)
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    return ids


def test_the_split_check_lists_records_whose_shares_do_not_total_100(api, app):
    define(api, *OBJECTS, SPLIT_REVENUE)
    with app.extensions["tessera"].write() as conn:
        member = create_user(conn, "member")
    good, short = _records(api, "opportunity", *[{"title": t, "amount": "10", "stage": "Won",
                                                   "close_date": "2026-01-02"} for t in ("good", "short")])
    _records(api, "opportunity_split", {"opportunity": good, "member": member, "share": "100"},
             {"opportunity": short, "member": member, "share": "99.5"})
    response = api.get("/api/v1/kpis/split_revenue/checks")
    assert response.status_code == 200
    assert response.get_json() == {"kpi": "split_revenue", "checks": [
        {"check": "split_shares", "ok": False, "truncated": False, "records": [{"id": short, "shares": "99.50"}]}]}


def test_a_kpi_without_split_credit_has_no_checks_and_an_unknown_kpi_is_not_found(api):
    define(api, *OBJECTS, kpi("revenue"))
    assert api.get("/api/v1/kpis/revenue/checks").get_json() == {"kpi": "revenue", "checks": []}
    missing = api.get("/api/v1/kpis/margin/checks")
    assert missing.status_code == 404 and missing.get_json()["code"] == "kpi_not_found"


def test_only_administrators_run_kpi_checks(api, app):
    define(api, *OBJECTS, SPLIT_REVENUE)
    with app.extensions["tessera"].write() as conn:
        token = create_token(conn, create_user(conn, "rep"))
    response = Api(app.test_client(), token).get("/api/v1/kpis/split_revenue/checks")
    assert response.status_code == 403 and response.get_json()["code"] == "permission_denied"
