"""Plugins see every record write through the lifecycle hooks, inside its transaction: a
before-save hook may change the values, any hook may refuse the write (which then leaves
nothing behind), and a plugin's automation action runs like a built-in one."""

import pytest

from tessera.platform import hookimpl
from tessera.runtime.errors import RecordInvalid
from tests.automation.conftest import create, publish, records, rule, update


class Recorder:
    """A plugin that writes down each hook call, trims titles and refuses deleting "Keep"."""

    def __init__(self):
        self.calls = []

    @hookimpl
    def tessera_record_before_save(self, runtime, conn, ctx, object_name, record, prior):
        self.calls.append(("before_save", object_name, record.get("title"), prior and prior["title"]))
        if isinstance(record.get("title"), str):
            record["title"] = record["title"].strip()

    @hookimpl
    def tessera_record_after_save(self, runtime, conn, ctx, object_name, record, prior):
        self.calls.append(("after_save", object_name, record["id"], record["version"]))

    @hookimpl
    def tessera_record_before_delete(self, runtime, conn, ctx, object_name, record):
        self.calls.append(("before_delete", object_name, record["id"]))

    @hookimpl
    def tessera_record_after_delete(self, runtime, conn, ctx, object_name, record):
        self.calls.append(("after_delete", object_name, record["id"]))
        if record["title"] == "Keep":
            raise RecordInvalid("record.invalid", errors={"title": ["record.invalid"]})

    @hookimpl
    def tessera_register_automation_actions(self):
        def shout(run, spec):
            title = run.record["title"] + spec.get("suffix", "!")
            run.runtime.records.update_in(run.conn, run.ctx, run.obj.name, run.record_id, {"title": title})
        return {"shout": shout}


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def plugins(recorder):
    return (recorder,)


def test_hooks_see_each_save_and_may_change_the_values(auto_api, recorder):
    record = create(auto_api, title="  Acme  ")
    assert record["title"] == "Acme"
    update(auto_api, record, title=" Acme Ltd ")
    assert recorder.calls == [("before_save", "opportunity", "  Acme  ", None),
                              ("after_save", "opportunity", record["id"], 1),
                              ("before_save", "opportunity", " Acme Ltd ", "Acme"),
                              ("after_save", "opportunity", record["id"], 2)]
    assert records(auto_api)[0]["title"] == "Acme Ltd"


def test_a_hook_that_raises_refuses_the_delete_and_nothing_changes(auto_api, recorder):
    keep, drop = create(auto_api, title="Keep"), create(auto_api, title="Drop")
    assert auto_api.delete(f"/api/v1/objects/opportunity/records/{keep['id']}").status_code == 422
    assert auto_api.delete(f"/api/v1/objects/opportunity/records/{drop['id']}").status_code == 204
    assert [r["title"] for r in records(auto_api)] == ["Keep"]
    assert ("after_delete", "opportunity", keep["id"]) in recorder.calls


def test_a_plugin_action_runs_by_its_name_or_through_the_plugin_action(auto_api, rt):
    publish(auto_api, rule("loud", "created", [{"shout": {"suffix": "!"}},
                                                {"plugin": {"name": "shout", "params": {"suffix": "?"}}}],
                           timing="before_commit"))
    assert create(auto_api, title="Acme")["title"] == "Acme!?"
