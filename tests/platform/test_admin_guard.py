"""Admin-only routes refuse everyone else with one problem: the same code and message
(in English and in Chinese) whichever resource is asked."""

import pytest

from tessera.runtime.identity.users import create_token, create_user
from tests.conftest import Api
from tests.platform.support import assert_problem

ADMIN_ONLY = [("get", "/api/v1/metadata/object"), ("get", "/api/v1/metadata/plan"),
              ("post", "/api/v1/metadata/publish"), ("get", "/api/v1/audit"), ("get", "/api/v1/users"),
              ("post", "/api/v1/roles")]


@pytest.fixture
def member(app):
    """A client acting as a user without the administrator right."""
    with app.extensions["tessera"].write() as conn:
        token = create_token(conn, create_user(conn, "member"))
    return Api(app.test_client(), token)


def call(client, method, path, **kw):
    return getattr(client, method)(path, **({"json": {}} if method == "post" else {}), **kw)


def test_every_admin_only_route_refuses_a_member_with_one_message(member):
    details = set()
    for method, path in ADMIN_ONLY:
        details.add(assert_problem(call(member, method, path), 403, "permission_denied")["detail"])
    assert details == {"only administrators may do this"}


def test_the_admin_refusal_reads_in_chinese_for_a_chinese_reader(member):
    for method, path in ADMIN_ONLY:
        body = assert_problem(call(member, method, path, headers={"Accept-Language": "zh-CN"}), 403, "permission_denied")
        assert (body["title"], body["detail"]) == ("没有权限", "只有管理员可以执行此操作")


def test_a_refused_member_changes_nothing(member, api):
    assert_problem(member.post("/api/v1/metadata/object", json={"name": "deal", "label": "Deal", "fields": []}), 403)
    assert api.get("/api/v1/metadata/object").get_json()["items"] == []
