"""Inbound endpoint documents: checked whole at publish (the object, a unique mapped external
id, writable mapped fields, JSON Pointers), their secret write-only and their run_as a real
user; and what a mapping does with a payload (pointers, transforms, defaults)."""

import json

import pytest
from sqlalchemy import select

from tessera.metadata.json_pointer import MISSING, resolve
from tessera.metadata.tables import document_version
from tests.helpers import define
from tests.integration.conftest import SECRET, WEB_LEADS, lead_payload


def refused_paths(inbound, doc):
    saved = inbound.admin.put(f"/api/v1/metadata/inbound_endpoint/{doc['name']}", json=doc)
    assert saved.status_code == 200, saved.get_json()
    refused = inbound.admin.post("/api/v1/metadata/publish", json={})
    assert (refused.status_code, refused.get_json()["code"]) == (422, "publish_refused")
    return sorted(refused.get_json()["errors"])


@pytest.mark.parametrize("change, path", [
    ({"object": "nothing"}, "object"),
    ({"external_id": "email"}, "external_id"),  # not unique
    ({"external_id": "source"}, "external_id"),  # not unique and not mapped
    ({"mapping": {"external_ref": "/id", "missing_field": "/x"}}, "mapping.missing_field"),
    ({"mapping": {"external_ref": "/id", "label": "/label"}}, "mapping.label"),  # a formula
    ({"mapping": {"external_ref": "/id", "company": {"transform": "trim"}}}, "mapping.company"),  # no source
])
def test_publish_checks_the_document_against_its_object(inbound, change, path):
    doc = {**WEB_LEADS, "name": "checked", **change}
    assert refused_paths(inbound, doc) == [f"inbound_endpoint/checked:{path}"]


@pytest.mark.parametrize("pointer", ["id", "/a~2b", "/a~"])
def test_a_path_that_is_not_a_json_pointer_is_refused_when_saved(inbound, pointer):
    doc = {**WEB_LEADS, "name": "checked", "mapping": {"external_ref": pointer}}
    assert inbound.admin.put("/api/v1/metadata/inbound_endpoint/checked", json=doc).status_code == 422


def test_the_secret_is_never_in_an_answer_nor_a_stored_document(inbound):
    doc = {**WEB_LEADS, "name": "other", "secret": "another-secret-of-length", "run_as": "webform"}
    saved = inbound.admin.put("/api/v1/metadata/inbound_endpoint/other", json=doc)
    assert saved.status_code == 200 and "another-secret" not in saved.get_data(as_text=True)
    assert "secret" not in inbound.admin.get("/api/v1/metadata/inbound_endpoint/other").get_json()["body"]
    with inbound.runtime.read() as conn:
        bodies = json.dumps(conn.execute(select(document_version.c.body)).scalars().all())
    assert "another-secret" not in bodies and SECRET not in bodies


@pytest.mark.parametrize("extra, code", [({"secret": "short", "run_as": "webform"}, "inbound_refused"),
                                         ({"secret": "long-enough-secret-123"}, "inbound_refused"),
                                         ({"run_as": "nobody_here"}, "inbound_refused")])
def test_a_bad_secret_or_run_as_is_refused_when_saved(inbound, extra, code):
    answer = inbound.admin.put("/api/v1/metadata/inbound_endpoint/fresh", json={**WEB_LEADS, "name": "fresh", **extra})
    assert (answer.status_code, answer.get_json()["code"]) == (422, code)
    assert inbound.admin.get("/api/v1/metadata/inbound_endpoint/fresh").status_code == 404


def test_pointers_follow_rfc_6901():
    doc = {"a/b": 1, "m~n": 2, "items": [{"x": "first"}], "": 3}
    assert [resolve(doc, p) for p in ("/a~1b", "/m~0n", "/items/0/x", "/", "")] == [1, 2, "first", 3, doc]
    assert [resolve(doc, p) for p in ("/items/1", "/items/01", "/items/-", "/nope", "/a~1b/deeper")] == [MISSING] * 5


def test_transforms_and_defaults_shape_the_values(inbound):
    shaped = {**WEB_LEADS, "name": "shaped", "mapping": {
        "external_ref": {"path": "/id", "transform": "text"},
        "company": {"path": "/company/name", "transform": "trim"},
        "email": {"path": "/contact/email", "transform": "lower"},
        "score": {"path": "/score", "transform": "number"},
        "received_on": {"path": "/at", "transform": "date"},
        "source": {"default": "web form"},
        "notes": {"path": "/notes", "transform": "upper", "default": "NONE"}}}
    assert define(inbound.admin, shaped).status_code == 200
    payload = {"id": 1042, "company": {"name": "  Acme  "}, "contact": {"email": "Buyer@ACME.example"},
               "score": "1,250.5", "at": "2026-11-30T22:15:00+00:00", "notes": None}
    answer = inbound.admin.post("/api/v1/inbound/shaped", json=payload)
    assert answer.status_code == 201, answer.get_json()
    got = answer.get_json()
    assert {k: got[k] for k in ("external_ref", "company", "email", "score", "received_on", "source", "notes")} == {
        "external_ref": "1042", "company": "Acme", "email": "buyer@acme.example", "score": "1250.50",
        "received_on": "2026-11-30", "source": "web form", "notes": "NONE"}


def test_a_payload_that_is_not_a_json_object_is_refused(inbound):
    answer = inbound.admin.post("/api/v1/inbound/web_leads", json=[lead_payload()])
    assert answer.status_code == 422
    assert inbound.leads() == []
