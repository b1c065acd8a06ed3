"""Migration plans: the storage steps between two published sets, computed from metadata alone."""

from tessera.metadata.plan import compute_plan


def obj(name, *fields, **extra):
    return {("object", name): {"kind": "object", "name": name, "fields": list(fields), **extra}}


def ops(steps):
    return [(s["op"], s["target"]) for s in steps]


TITLE = {"name": "title", "type": "text", "max_length": 100}


def test_an_unchanged_set_needs_no_steps():
    docs = obj("deal", TITLE, {"name": "amount", "type": "currency"})
    assert compute_plan(docs, docs) == []


def test_a_new_object_creates_its_table_and_the_indexes_of_its_lookups():
    new = {**obj("account", TITLE), **obj("deal", TITLE, {"name": "account", "type": "lookup", "target": "account"})}
    steps = compute_plan(obj("account", TITLE), new)
    assert ops(steps) == [("create_table", "deal"), ("create_index", "deal"), ("create_search_index", "deal.title")]
    assert steps[1]["columns"] == ["account"]
    assert not any(s.get("data_check") for s in steps)


def test_an_added_field_adds_a_column_and_loses_nothing():
    steps = compute_plan(obj("deal", TITLE), obj("deal", TITLE, {"name": "amount", "type": "currency"}))
    assert ops(steps) == [("add_column", "deal.amount")]
    assert not steps[0].get("data_check")
    assert steps[0]["definition"] == {"name": "amount", "type": "currency"}


def test_a_longer_text_field_is_widened_without_a_data_check():
    steps = compute_plan(obj("deal", TITLE), obj("deal", {**TITLE, "max_length": 500}))
    # SQLite alters a column by copying the table, which loses expression indexes: made again
    assert ops(steps) == [("drop_search_index", "deal.title"), ("alter_column", "deal.title"),
                          ("create_search_index", "deal.title")]
    assert steps[1]["old"] == 100 and steps[1]["new"] == 500
    assert steps[1]["data_check"] is None


def test_a_shorter_text_field_checks_for_values_that_would_be_cut():
    steps = compute_plan(obj("deal", TITLE), obj("deal", {**TITLE, "max_length": 10}))
    assert [op for op, _ in ops(steps)] == ["drop_search_index", "alter_column", "create_search_index"]
    assert steps[1]["data_check"] == {"kind": "longer_than", "length": 10}


def test_an_added_picklist_option_needs_no_steps():
    old = obj("deal", {"name": "stage", "type": "picklist", "options": ["Open", "Won"]})
    new = obj("deal", {"name": "stage", "type": "picklist", "options": ["Open", "Won", "Lost"]})
    assert compute_plan(old, new) == []


def test_a_removed_picklist_option_checks_for_records_using_it():
    old = obj("deal", {"name": "stage", "type": "picklist", "options": ["Open", "Won", "Lost"]})
    new = obj("deal", {"name": "stage", "type": "picklist", "options": ["Open", "Won"]})
    steps = compute_plan(old, new)
    assert ops(steps) == [("restrict_values", "deal.stage")]
    assert steps[0]["data_check"] == {"kind": "value_in", "values": ["Lost"]}


def test_a_removed_field_drops_its_column_after_checking_for_values():
    steps = compute_plan(obj("deal", TITLE, {"name": "notes", "type": "long_text"}), obj("deal", TITLE))
    assert ops(steps) == [("drop_column", "deal.notes")]
    assert steps[0]["data_check"] == {"kind": "non_null"}


def test_a_type_change_from_text_to_number_replaces_the_column():
    steps = compute_plan(obj("deal", TITLE, {"name": "code", "type": "text"}),
                         obj("deal", TITLE, {"name": "code", "type": "number"}))
    assert ops(steps) == [("drop_column", "deal.code"), ("add_column", "deal.code")]
    assert steps[0]["data_check"] == {"kind": "non_null"}
    assert "text" in steps[0]["reason"] and "number" in steps[0]["reason"]


def test_narrowing_a_number_checks_for_values_that_do_not_fit():
    old = obj("deal", {"name": "qty", "type": "number", "precision": 10, "scale": 4})
    new = obj("deal", {"name": "qty", "type": "number", "precision": 8, "scale": 2})
    steps = compute_plan(old, new)
    assert ops(steps) == [("alter_column", "deal.qty")]
    assert steps[0]["data_check"] == {"kind": "numeric_overflow", "precision": 8, "scale": 2}


def test_widening_a_number_loses_nothing():
    old = obj("deal", {"name": "qty", "type": "number", "precision": 10, "scale": 2})
    new = obj("deal", {"name": "qty", "type": "number", "precision": 14, "scale": 4})
    steps = compute_plan(old, new)
    assert ops(steps) == [("alter_column", "deal.qty")]
    assert steps[0]["data_check"] is None


def test_a_deleted_object_drops_its_table_after_checking_for_rows():
    steps = compute_plan({**obj("account", TITLE), **obj("deal", TITLE)}, obj("account", TITLE))
    assert ops(steps) == [("drop_table", "deal")]
    assert steps[0]["data_check"] == {"kind": "any_rows"}


def test_indexes_follow_the_unique_and_indexed_flags():
    old = obj("deal", TITLE, {"name": "code", "type": "text", "indexed": True})
    new = obj("deal", TITLE, {"name": "code", "type": "text", "unique": True})
    steps = compute_plan(old, new)
    assert ops(steps) == [("drop_index", "deal"), ("create_index", "deal")]
    assert (steps[0]["columns"], steps[0]["unique"]) == (["code"], False)
    assert (steps[1]["columns"], steps[1]["unique"]) == (["code"], True)


def test_steps_are_ordered_so_that_tables_exist_before_columns_and_indexes_come_last():
    old = obj("deal", TITLE, {"name": "notes", "type": "text"})
    new = {**obj("deal", {**TITLE, "max_length": 300}, {"name": "amount", "type": "currency", "indexed": True}),
           **obj("project", TITLE)}
    order = [s["op"] for s in compute_plan(old, new)]
    assert order == ["drop_search_index", "create_table", "drop_column", "add_column", "alter_column", "create_index",
                     "create_search_index", "create_search_index"]


def test_the_title_field_and_flagged_text_fields_get_a_search_index_which_follows_the_title():
    code = {"name": "code", "type": "text", "indexed": True}
    first = compute_plan({}, obj("deal", TITLE, code, {"name": "notes", "type": "text"}))
    assert [t for op, t in ops(first) if op == "create_search_index"] == ["deal.code", "deal.title"]
    moved = compute_plan(obj("deal", TITLE, {"name": "name", "type": "text"}),
                         obj("deal", TITLE, {"name": "name", "type": "text"}, title_field="name"))
    assert ops(moved) == [("drop_search_index", "deal.title"), ("create_search_index", "deal.name")]
