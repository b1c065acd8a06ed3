"""The versioned store: drafts, versions, published pointers and revisions."""

import pytest

from tessera.metadata import DocumentNotFound, InvalidDocument, store


def deal(*extra_fields):
    return {"kind": "object", "name": "deal", "fields": [{"name": "title", "type": "text"}, *extra_fields]}


def publish_all(conn, author="admin"):
    revision = store.current_revision(conn)
    changes = store.pending_changes(conn)
    return store.record_publish(conn, revision, author, changes, [])


def test_every_save_adds_a_version_and_the_draft_is_the_newest(runtime):
    with runtime.write() as conn:
        first = store.save_draft(conn, "object", "deal", deal(), "admin")
        second = store.save_draft(conn, "object", "deal", deal({"name": "amount", "type": "currency"}), "admin")
        found = store.get_document(conn, "object", "deal")
    assert (first, second) == (1, 2)
    assert found["version"] == 2 and found["draft_version"] == 2 and found["published_version"] is None
    assert [f["name"] for f in found["body"]["fields"]] == ["title", "amount"]


def test_a_draft_is_not_published_until_publish(runtime):
    with runtime.write() as conn:
        store.save_draft(conn, "object", "deal", deal(), "admin")
        with pytest.raises(DocumentNotFound):
            store.get_document(conn, "object", "deal", published=True)
        assert store.list_documents(conn, published=True) == {}
        assert store.current_revision(conn) == 0
        assert store.pending_changes(conn) == [("object", "deal", "create")]


def test_publishing_moves_the_published_pointer_and_adds_a_revision(runtime):
    with runtime.write() as conn:
        store.save_draft(conn, "object", "deal", deal(), "admin")
        assert publish_all(conn) == 1
        store.save_draft(conn, "object", "deal", deal({"name": "amount", "type": "currency"}), "admin")
        published = store.get_document(conn, "object", "deal", published=True)
        assert published["version"] == 1
        assert [f["name"] for f in published["body"]["fields"]] == ["title"]
        assert store.pending_changes(conn) == [("object", "deal", "update")]
        assert publish_all(conn) == 2
        assert store.get_document(conn, "object", "deal", published=True)["version"] == 2
        assert store.pending_changes(conn) == []
        history = store.revisions(conn)
    assert [r["revision"] for r in history] == [2, 1]
    assert history[0]["changes"] == [{"kind": "object", "name": "deal", "action": "update"}]
    assert history[1]["changes"] == [{"kind": "object", "name": "deal", "action": "create"}]


def test_a_deletion_is_a_draft_that_takes_effect_at_publish(runtime):
    with runtime.write() as conn:
        store.save_draft(conn, "object", "deal", deal(), "admin")
        publish_all(conn)
        version = store.save_draft(conn, "object", "deal", None, "admin")
        assert version == 2
        assert ("object", "deal") in store.list_documents(conn, published=True)
        assert ("object", "deal") not in store.list_documents(conn)
        assert store.pending_changes(conn) == [("object", "deal", "delete")]
        publish_all(conn)
        assert store.list_documents(conn, published=True) == {}


def test_deleting_a_document_that_never_existed_is_refused(runtime):
    with runtime.write() as conn:
        with pytest.raises(DocumentNotFound):
            store.save_draft(conn, "object", "ghost", None, "admin")


def test_an_invalid_draft_is_not_stored(runtime):
    with runtime.write() as conn:
        store.save_draft(conn, "object", "deal", deal(), "admin")
    with pytest.raises(InvalidDocument):
        with runtime.write() as conn:
            store.save_draft(conn, "object", "deal", deal({"name": "select", "type": "text"}), "admin")
    with runtime.read() as conn:
        found = store.get_document(conn, "object", "deal")
    assert found["version"] == 1


def test_a_publish_that_loses_the_race_for_its_revision_is_refused(runtime):
    from tessera.metadata import ConcurrentPublish

    with runtime.write() as conn:
        store.save_draft(conn, "object", "deal", deal(), "admin")
        store.record_publish(conn, 0, "admin", store.pending_changes(conn), [])
        with pytest.raises(ConcurrentPublish):
            store.record_publish(conn, 0, "admin", [], [])
        assert store.current_revision(conn) == 1


def test_the_history_keeps_every_published_version_and_skips_unpublished_drafts(runtime):
    with runtime.write() as conn:
        store.save_draft(conn, "object", "deal", deal(), "admin")
        publish_all(conn)
        store.save_draft(conn, "object", "deal", deal({"name": "cost", "type": "currency"}), "admin")
        store.save_draft(conn, "object", "deal", deal({"name": "amount", "type": "currency"}), "admin")
        publish_all(conn)
        store.save_draft(conn, "object", "deal", None, "admin")
        publish_all(conn)
        history = store.published_history(conn, "object", "deal")
    assert [(h["version"], h["revision"]) for h in history] == [(1, 1), (3, 2), (4, 3)]
    assert [f["name"] for f in history[1]["body"]["fields"]] == ["title", "amount"]
    assert history[2]["body"] is None
