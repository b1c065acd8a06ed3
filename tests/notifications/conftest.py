"""Notification tests start from three people built once per run through the API:
alice (English, alice@example.com), bao (简体中文, bao@example.cn) and carl (no address).
``people.app(**settings)`` makes an app over the copy with the channel settings a test
needs (an SMTP server, robot URLs), its clock frozen at START."""

from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest

from tessera.platform import create_app
from tessera.runtime.clock import FrozenClock
from tessera.runtime.identity.users import create_token
from tests.conftest import Api, api_seed, seeds_for

START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
PEOPLE = {"alice": {"email": "alice@example.com", "locale": "en"},
          "bao": {"email": "bao@example.cn", "locale": "zh-CN"},
          "carl": {"locale": "en"}}
#: Three attempts per delivery, 30 s then 60 s apart; robots may reach 127.0.0.1.
BASE_SETTINGS = {"EVENT_MAX_ATTEMPTS": 3, "EVENT_RETRY_SECONDS": 30, "WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
                 "NOTIFICATION_TIMEOUT_SECONDS": 5, "PUBLIC_URL": "https://crm.example"}


def build_people(api):
    """Create the three people and their tokens; return their ids and tokens."""
    ids = {}
    for username, profile in PEOPLE.items():
        response = api.post("/api/v1/users", json={"username": username, "display_name": username.title(),
                                                   **profile})
        assert response.status_code == 201, response.get_json()
        ids[username] = response.get_json()["id"]
    with api.client.application.extensions["tessera"].write() as conn:
        tokens = {username: create_token(conn, ids[username], "test") for username in PEOPLE}
    return {"ids": ids, "tokens": tokens}


database_seed = seeds_for(people=api_seed("notifications_people", build_people))


@dataclass
class People:
    """The seeded database: ids, tokens, and the apps made over it (disposed after the test)."""

    database_url: str
    data: dict
    apps: list = field(default_factory=list)

    @property
    def ids(self):
        return self.data["ids"]

    def app(self, **settings):
        """An app over the database with ``settings`` on top of BASE_SETTINGS, clock frozen at START."""
        made = create_app({"DATABASE_URL": self.database_url, "TESTING": True, **BASE_SETTINGS, **settings})
        made.extensions["tessera"].clock = FrozenClock(START)
        self.apps.append(made)
        return made

    def client(self, app, username):
        """``username``'s JSON client on ``app`` (``admin`` for the administrator)."""
        token = self.data["admin_token"] if username == "admin" else self.data["tokens"][username]
        return Api(app.test_client(), token)


@pytest.fixture
def people(database_url, seed_data):
    """The three people's database; apps made with ``people.app()``."""
    found = People(database_url, seed_data)
    yield found
    for made in found.apps:
        made.extensions["tessera"].dispose()


def notify(runtime, recipients, kind="test.hello", message=None, link=None, **options):
    """Notify ``recipients`` in a transaction of its own; return the notification ids."""
    from tessera.i18n import Message

    message = message or Message("notification.text", text="Hello")
    with runtime.write() as conn:
        return runtime.notifications.notify(conn, recipients, kind, message, link, **options)
