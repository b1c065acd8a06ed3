"""Webhook documents: the secret is write-only (never in an answer, a stored document or a
revision), a webhook needs one, and URLs reaching loopback, private or link-local
addresses are refused unless the allow-list names their host, at save, publish and delivery."""

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tessera.metadata import store
from tessera.metadata.tables import document_version
from tessera.platform.cli import main
from tessera.runtime import Runtime
from tessera.runtime.events import secrets
from tessera.runtime.events.webhooks import WebhookOptions
from tests.events.conftest import SECRET, publish, webhook
from tests.events.receiver import Receiver


def everything_the_api_says(api):
    answers = [api.get("/api/v1/metadata/webhook"), api.get("/api/v1/metadata/webhook?state=published"),
               api.get("/api/v1/metadata/webhook/erp"), api.get("/api/v1/metadata/webhook/erp?state=published"),
               api.get("/api/v1/metadata/plan"), api.get("/api/v1/metadata/revisions"),
               api.get("/api/v1/webhooks/erp/deliveries"), api.get("/api/v1/events?status=delivered")]
    return json.dumps([a.get_json() for a in answers])


def test_the_secret_is_never_in_an_answer_nor_a_stored_document(hooks_api, rt):
    with Receiver(SECRET) as receiver:
        created = hooks_api.post("/api/v1/metadata/webhook", json=webhook(receiver.url))
        assert created.status_code == 201, created.get_json()
        saved = hooks_api.put("/api/v1/metadata/webhook/erp", json=webhook(receiver.url))
        assert SECRET not in created.get_data(as_text=True) + saved.get_data(as_text=True)
        published = hooks_api.post("/api/v1/metadata/publish", json={})
        assert published.status_code == 200 and SECRET not in published.get_data(as_text=True)
        hooks_api.post("/api/v1/objects/opportunity/records", json={"title": "Deal"})
        rt.events.dispatch()
        assert receiver.requests[0]["verified"] is True
    assert SECRET not in everything_the_api_says(hooks_api)
    assert "secret" not in hooks_api.get("/api/v1/metadata/webhook/erp").get_json()["body"]
    with rt.read() as conn:
        bodies = conn.execute(select(document_version.c.body)).scalars().all()
    assert SECRET not in json.dumps(bodies)


def test_saving_without_a_secret_keeps_the_one_stored_and_a_new_secret_replaces_it(hooks_api, rt):
    with Receiver("a-brand-new-secret-42") as receiver:
        publish(hooks_api, webhook(receiver.url))
        without = {k: v for k, v in webhook(receiver.url, filter='stage = "Won"').items() if k != "secret"}
        assert hooks_api.put("/api/v1/metadata/webhook/erp", json=without).status_code == 200
        publish(hooks_api, {**without, "secret": "a-brand-new-secret-42"})
        hooks_api.post("/api/v1/objects/opportunity/records", json={"title": "Deal", "stage": "Won"})
        rt.events.dispatch()
        assert [r["verified"] for r in receiver.requests] == [True]


@pytest.mark.parametrize("secret, code", [(None, "webhook.secret.required"), ("short", "webhook.secret.invalid"),
                                          (12345678901234567, "webhook.secret.invalid")])
def test_a_webhook_without_a_good_secret_is_refused(hooks_api, secret, code):
    doc = webhook("http://127.0.0.1:9/hook", name="fresh", secret=secret)
    if secret is None:
        del doc["secret"]
    response = hooks_api.put("/api/v1/metadata/webhook/fresh", json=doc)
    assert (response.status_code, response.get_json()["code"]) == (422, "webhook_refused")
    assert list(response.get_json()["errors"]) == ["secret"]
    assert hooks_api.get("/api/v1/metadata/webhook/fresh").status_code == 404


@pytest.mark.parametrize("url", ["http://localhost:8080/hook", "http://10.1.2.3/hook", "http://192.168.0.7/hook",
                                 "http://169.254.169.254/latest/meta-data", "http://[::1]:8080/hook",
                                 "https://0.0.0.0/hook", "http://[::ffff:127.0.0.1]/hook"])
def test_urls_reaching_private_addresses_are_refused_unless_allowed(hooks_api, url):
    response = hooks_api.put("/api/v1/metadata/webhook/erp", json=webhook(url))
    problem = response.get_json()
    assert (response.status_code, problem["code"], list(problem["errors"])) == (422, "webhook_refused", ["url"])
    assert hooks_api.get("/api/v1/metadata/webhook/erp").status_code == 404


@pytest.mark.parametrize("url, status", [("ftp://example.com/hook", 422), ("http://user:pw@127.0.0.1/hook", 422)])
def test_urls_that_are_not_plain_http_are_refused(hooks_api, url, status):
    response = hooks_api.put("/api/v1/metadata/webhook/erp", json=webhook(url))
    assert response.status_code == status


def test_publish_checks_the_object_and_the_filter(hooks_api):
    for doc, path in ((webhook("http://127.0.0.1:9/h", object="nothing"), "object"),
                      (webhook("http://127.0.0.1:9/h", filter="amount & 1 > "), "filter")):
        assert hooks_api.put("/api/v1/metadata/webhook/erp", json=doc).status_code == 200
        refused = hooks_api.post("/api/v1/metadata/publish", json={})
        problem = refused.get_json()
        assert (refused.status_code, problem["code"], list(problem["errors"])) == \
            (422, "publish_refused", [f"webhook/erp:{path}"])


def test_a_host_no_longer_allowed_is_refused_at_delivery(hooks_api, rt):
    with Receiver(SECRET) as receiver:
        publish(hooks_api, webhook(receiver.url))
        hooks_api.post("/api/v1/objects/opportunity/records", json={"title": "Deal"})
        rt.webhooks.options = WebhookOptions(allow_hosts=frozenset())
        assert rt.events.dispatch() == 0
        assert receiver.requests == []
    [attempt] = hooks_api.get("/api/v1/webhooks/erp/deliveries").get_json()["items"]
    assert (attempt["delivered"], attempt["status_code"], attempt["error"]) == \
        (False, None, "webhook.url.private: 127.0.0.1")


def test_publish_checks_the_url_again(hooks_api, rt):
    assert hooks_api.put("/api/v1/metadata/webhook/erp", json=webhook("http://127.0.0.1:9/hook")).status_code == 200
    rt.webhooks.options = WebhookOptions(allow_hosts=frozenset())
    refused = hooks_api.post("/api/v1/metadata/publish", json={})
    assert (refused.status_code, refused.get_json()["code"], list(refused.get_json()["errors"])) == \
        (422, "webhook_refused", ["url"])
    assert hooks_api.get("/api/v1/metadata/webhook/erp?state=published").status_code == 404


def test_tessera_metadata_apply_keeps_the_secret_out_and_obeys_the_allow_list(database_url, hooks, tmp_path):
    path = tmp_path / "erp.json"
    path.write_text(json.dumps(webhook("http://127.0.0.1:9/hook")))
    env = {"TESSERA_DATABASE_URL": database_url, "TESSERA_LOCALE": "en"}
    refused = CliRunner().invoke(main, ["metadata", "apply", str(path)], env=env, catch_exceptions=False)
    assert refused.exit_code == 1 and "127.0.0.1" in refused.output and "TESSERA_WEBHOOK_ALLOW_HOSTS" in refused.output
    allowed = CliRunner().invoke(main, ["metadata", "apply", str(path)], catch_exceptions=False,
                                 env={**env, "TESSERA_WEBHOOK_ALLOW_HOSTS": "127.0.0.1"})
    assert allowed.exit_code == 0, allowed.output
    runtime = Runtime(database_url)
    try:
        with runtime.read() as conn:
            assert "secret" not in store.get_document(conn, "webhook", "erp")["body"]
            assert secrets.load(conn, "erp") == SECRET
    finally:
        runtime.dispose()
