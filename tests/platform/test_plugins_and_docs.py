"""Plugins plug in through the documented hooks, and the docs name every hook and setting."""

import ast
from pathlib import Path

import click
from click.testing import CliRunner

from tessera.platform import create_app, hookimpl
from tessera.platform.config import SETTINGS
from tessera.runtime.fields import FieldType
from tests.platform.support import assert_problem

ROOT = Path(__file__).resolve().parents[2]


def _hook_names():
    tree = ast.parse((ROOT / "tessera/platform/hookspecs.py").read_text())
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]


def test_every_hook_is_documented():
    text = (ROOT / "docs/plugins.md").read_text()
    assert [name for name in _hook_names() if f"`{name}(" not in text] == []


def test_every_setting_is_documented_with_its_environment_variable():
    text = (ROOT / "docs/deploy.md").read_text()
    assert [s.name for s in SETTINGS if f"TESSERA_{s.name}" not in text] == []


class GreetingPlugin:
    @hookimpl
    def tessera_register_routes(self, app):
        app.add_url_rule("/api/v1/greeting", "greeting", lambda: {"hello": "world"})

    @hookimpl
    def tessera_register_field_types(self):
        return [FieldType("plugin_rating", formula_type="number")]


def test_a_plugin_adds_an_authenticated_route_and_a_field_type(database_url, admin_token):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True}, plugins=[GreetingPlugin()])
    client = app.test_client()
    assert_problem(client.get("/api/v1/greeting"), 401, "unauthenticated")
    assert client.get("/api/v1/greeting", headers={"Authorization": f"Bearer {admin_token}"}).get_json() == \
        {"hello": "world"}
    assert "plugin_rating" in app.extensions["tessera"].field_types
    app.extensions["tessera"].dispose()


def test_a_plugin_field_type_stays_with_the_app_that_loaded_it(database_url):
    with_plugin = create_app({"DATABASE_URL": database_url, "TESTING": True}, plugins=[GreetingPlugin()])
    without = create_app({"DATABASE_URL": database_url, "TESTING": True})
    assert "plugin_rating" in with_plugin.extensions["tessera"].field_types
    assert "plugin_rating" not in without.extensions["tessera"].field_types
    assert "text" in without.extensions["tessera"].field_types
    for app in (with_plugin, without):
        app.extensions["tessera"].dispose()


def test_a_plugin_adds_a_cli_command(monkeypatch):
    from tessera.platform import cli

    @click.command("hello")
    def hello():
        click.echo("hello from a plugin")

    class CliPlugin:
        @hookimpl
        def tessera_cli_commands(self):
            return [hello]

    cli.add_plugin_commands(extra_plugins=[CliPlugin()])
    assert CliRunner().invoke(cli.main, ["hello"]).output == "hello from a plugin\n"
