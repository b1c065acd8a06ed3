"""A field type is one object; a plugin's type is saved, published, written and read like a built-in."""

import pytest
from marshmallow import fields, validate
from sqlalchemy import Integer

from tessera.formula import FormulaType, FunctionSpec, all_functions
from tessera.platform import create_app, hookimpl
from tessera.platform.plugins import field_types_of, make_plugin_manager
from tessera.runtime.fields import FieldType
from tessera.runtime.identity.users import create_token, create_user
from tests.conftest import Api
from tests.helpers import define, object_doc
from tests.platform.support import assert_problem

TITLE = {"name": "title", "type": "text"}


class StarsType(FieldType):
    """One to five stars, stored as an integer."""

    name = "stars"
    formula_type = "number"
    aggregates = frozenset({"min", "max"})

    def column_type(self, field_doc):
        return Integer()

    def loader(self, field_doc, options):
        return fields.Integer(strict=True, validate=validate.Range(min=1, max=5), **options)

    def parse(self, text):
        return int(text)

    def openapi_schema(self, field_doc, mode):
        return {"type": "integer", "minimum": 1, "maximum": 5}


def _double(value):
    return value * 2


class StarsPlugin:
    @hookimpl
    def tessera_register_field_types(self):
        return [StarsType()]

    @hookimpl
    def tessera_register_formula_functions(self):
        return [FunctionSpec("TWICE", "plugin", ("number",), FormulaType.NUMBER, _double,
                             lambda call: call.args[0] * 2, signature="TWICE(n)")]


def _api(app):
    with app.extensions["tessera"].write() as conn:
        return Api(app.test_client(), create_token(conn, create_user(conn, "admin", is_admin=True)))


def test_an_unknown_field_type_is_refused_when_the_draft_is_saved(api):
    response = api.put("/api/v1/metadata/object/deal", json=object_doc("deal", TITLE, {"name": "rank", "type": "stars"}))
    body = assert_problem(response, 422, "invalid_document")
    assert list(body["errors"]) == ["fields[1].type"]
    assert body["errors"]["fields[1].type"][0].startswith('unknown field type "stars"')
    assert_problem(api.get("/api/v1/metadata/object/deal"), 404, "document_not_found")


def test_a_plugin_field_type_is_published_written_read_sorted_and_described(database_url):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True}, plugins=[StarsPlugin()])
    api = _api(app)
    published = define(api, object_doc("film", TITLE, {"name": "rank", "type": "stars"}))
    assert published.status_code == 200, published.get_json()
    for title, rank in (("Yi Yi", 5), ("Heat", 4)):
        assert api.post("/api/v1/objects/film/records", json={"title": title, "rank": rank}).status_code == 201
    refused = api.post("/api/v1/objects/film/records", json={"title": "Bad", "rank": 9})
    assert assert_problem(refused, 422)["errors"] == {"rank": ["Must be greater than or equal to 1 and less than or equal to 5."]}
    listed = api.get("/api/v1/objects/film/records", query_string={"sort": "rank", "rank": "5"}).get_json()["items"]
    assert [(item["title"], item["rank"]) for item in listed] == [("Yi Yi", 5)]
    schema = api.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["film"]["properties"]["rank"]
    assert schema == {"type": ["integer", "null"], "minimum": 1, "maximum": 5}
    app.extensions["tessera"].dispose()


def test_a_plugin_formula_function_works_in_a_filter_and_leaves_with_its_app(database_url):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True}, plugins=[StarsPlugin()])
    api = _api(app)
    define(api, object_doc("film", TITLE, {"name": "rank", "type": "stars"}))
    api.post("/api/v1/objects/film/records", json={"title": "Heat", "rank": 4})
    found = api.get("/api/v1/objects/film/records", query_string={"filter": "TWICE(rank) = 8"}).get_json()["items"]
    assert [item["title"] for item in found] == ["Heat"]
    app.extensions["tessera"].dispose()
    later = create_app({"DATABASE_URL": database_url, "TESTING": True})
    assert "TWICE" not in {spec.name for spec in all_functions()}
    assert "stars" not in later.extensions["tessera"].field_types
    later.extensions["tessera"].dispose()


def test_the_built_in_types_reach_an_app_through_the_field_type_hook():
    offered = [t.name for types in make_plugin_manager().hook.tessera_register_field_types() for t in types]
    assert {"text", "number", "lookup", "formula", "rollup"} <= set(offered)
    assert "text" in field_types_of(make_plugin_manager())


def test_two_plugins_offering_one_type_name_is_an_error():
    class Again:
        @hookimpl
        def tessera_register_field_types(self):
            return [FieldType("text")]

    with pytest.raises(ValueError, match="'text'"):
        field_types_of(make_plugin_manager([Again()]))


def test_a_type_that_cannot_be_filtered_by_equality_is_refused_in_both_languages(api):
    define(api, object_doc("deal", TITLE, {"name": "notes", "type": "long_text"}))
    body = assert_problem(api.get("/api/v1/objects/deal/records", query_string={"notes": "x"}), 400, "invalid_query")
    assert body["errors"] == {"filter": ["notes cannot be filtered by equality"]}
    chinese = api.get("/api/v1/objects/deal/records", query_string={"notes": "x"}, headers={"Accept-Language": "zh-CN"})
    assert assert_problem(chinese, 400)["errors"] == {"filter": ["不能按 notes 做等值筛选"]}


def test_a_draft_of_a_type_this_app_lacks_is_refused_at_publish_and_nothing_changes(database_url):
    with_stars = create_app({"DATABASE_URL": database_url, "TESTING": True}, plugins=[StarsPlugin()])
    saved = _api(with_stars).put("/api/v1/metadata/object/film", json=object_doc("film", TITLE, {"name": "rank", "type": "stars"}))
    assert saved.status_code == 200
    with_stars.extensions["tessera"].dispose()
    plain = create_app({"DATABASE_URL": database_url, "TESTING": True})
    with plain.extensions["tessera"].write() as conn:
        api = Api(plain.test_client(), create_token(conn, create_user(conn, "admin2", is_admin=True)))
    body = assert_problem(api.post("/api/v1/metadata/publish", json={}), 422, "publish_refused")
    assert body["errors"] == {"object/film:fields[1].type": ['unknown field type "stars"']}
    chinese = api.post("/api/v1/metadata/publish", json={}, headers={"Accept-Language": "zh-CN"}).get_json()
    assert chinese["errors"] == {"object/film:fields[1].type": ["未知的字段类型“stars”"]}
    assert api.get("/api/v1/metadata/object/film").get_json()["published_version"] is None
    plain.extensions["tessera"].dispose()


def test_records_of_a_published_type_whose_plugin_is_gone_answer_503_naming_the_type(database_url):
    with_stars = create_app({"DATABASE_URL": database_url, "TESTING": True}, plugins=[StarsPlugin()])
    assert define(_api(with_stars), object_doc("film", TITLE, {"name": "rank", "type": "stars"})).status_code == 200
    with_stars.extensions["tessera"].dispose()
    plain = create_app({"DATABASE_URL": database_url, "TESTING": True})
    with plain.extensions["tessera"].write() as conn:
        api = Api(plain.test_client(), create_token(conn, create_user(conn, "admin2", is_admin=True)))
    body = assert_problem(api.get("/api/v1/objects/film/records"), 503, "field_type_missing")
    assert body["detail"] == 'field type "stars" is not installed; install the plugin that provides it'
    plain.extensions["tessera"].dispose()
