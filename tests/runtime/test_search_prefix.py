"""Search: a prefix as the range of strings starting with it (compared by code point)."""

from tessera.runtime.records.search import _next_prefix


def test_a_search_prefix_becomes_the_range_of_strings_starting_with_it():
    assert _next_prefix("pump") == "pumq"
    assert _next_prefix("华东") == "华丝"
    assert _next_prefix("a\U0010ffff") == "b"
    assert _next_prefix("\U0010ffff") is None
    assert _next_prefix("\ud7ff") == "\ue000"
