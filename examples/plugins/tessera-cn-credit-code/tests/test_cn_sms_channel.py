"""The plugin's ``cn_sms`` notification channel: offered once its gateway is configured, chosen
by a user, and given each notification after the commit, cut to one SMS segment."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tessera.i18n import Message
from tessera.platform import create_app
from tessera.runtime.identity.users import create_token, create_user


class Gateway:
    """A local SMS gateway keeping each message it is sent."""

    def __init__(self):
        self.received = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server name
                gateway.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(monkeypatch):
    found = Gateway()
    monkeypatch.setenv("TESSERA_CN_SMS_GATEWAY_URL", found.url)
    yield found
    found.close()


def _app_with_user(url):
    app = create_app({"DATABASE_URL": url, "TESTING": True, "WEBHOOK_ALLOW_HOSTS": "127.0.0.1"})
    runtime = app.extensions["tessera"]
    with runtime.write() as conn:
        user_id = create_user(conn, "wang", display_name="王伟", locale="zh-CN")
        token = create_token(conn, user_id)
    return app, user_id, {"Authorization": f"Bearer {token}"}


def test_a_user_who_chose_sms_gets_each_notification_through_the_gateway(plugin_database_url, gateway):
    app, user_id, auth = _app_with_user(plugin_database_url)
    runtime, client = app.extensions["tessera"], app.test_client()
    try:
        assert "cn_sms" in client.get("/api/v1/notifications/preferences", headers=auth).get_json()["channels"]
        chosen = client.put("/api/v1/notifications/preferences", json={"default": ["cn_sms"]}, headers=auth)
        assert chosen.status_code == 200, chosen.get_json()
        with runtime.write() as conn:
            [nid] = runtime.notifications.notify(conn, [user_id], "test.hello",
                                                 Message("notification.text", text="报价" * 50))
        assert gateway.received == []
        assert runtime.events.dispatch() == 1
    finally:
        runtime.dispose()
    [sms] = gateway.received
    assert sms["username"] == "wang" and sms["notification"] == nid
    assert len(sms["text"]) == 70 and sms["text"].endswith("…")


def test_without_a_gateway_the_channel_is_not_offered(plugin_database_url, monkeypatch):
    monkeypatch.delenv("TESSERA_CN_SMS_GATEWAY_URL", raising=False)
    app, _, auth = _app_with_user(plugin_database_url)
    try:
        client = app.test_client()
        assert "cn_sms" not in client.get("/api/v1/notifications/preferences", headers=auth).get_json()["channels"]
        refused = client.put("/api/v1/notifications/preferences", json={"default": ["cn_sms"]}, headers=auth)
        assert refused.status_code == 422
    finally:
        app.extensions["tessera"].dispose()
