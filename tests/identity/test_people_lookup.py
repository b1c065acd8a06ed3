"""The people lookup (GET /api/v1/users/lookup?q=): any signed-in user finds active users by
username or display name, and learns their id, username and display name, nothing more."""

from tests.platform.support import assert_problem

LOOKUP = "/api/v1/users/lookup"


def _found(client, text):
    response = client.get(LOOKUP, query_string={"q": text})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_a_rep_finds_colleagues_by_part_of_their_name_case_insensitively(org):
    found = _found(org["alice"], "AR")
    assert [person["username"] for person in found] == ["carol"]
    assert found == [{"id": org.ids["carol"], "username": "carol", "display_name": "carol"}]


def test_names_starting_with_the_text_come_first(org):
    org.admin.patch(f"/api/v1/users/{org.ids['bob']}", json={"display_name": "Robert Dave"})
    assert [person["username"] for person in _found(org["alice"], "dave")] == ["dave", "bob"]


def test_a_display_name_is_searched_too(org):
    assert org.admin.patch(f"/api/v1/users/{org.ids['wendy']}", json={"display_name": "王 Wendy"}).status_code == 200
    assert [person["id"] for person in _found(org["dave"], "王")] == [org.ids["wendy"]]


def test_deactivated_users_are_never_offered(org):
    assert org.admin.delete(f"/api/v1/users/{org.ids['dave']}").status_code == 204
    assert _found(org["alice"], "dave") == []


def test_wildcards_are_taken_literally_and_blank_text_finds_nobody(org):
    assert _found(org["alice"], "%") == [] and _found(org["alice"], "_") == []
    assert _found(org["alice"], "   ") == [] and org["alice"].get(LOOKUP).get_json() == {"items": []}


def test_a_text_longer_than_100_characters_is_refused(org):
    assert_problem(org["alice"].get(LOOKUP, query_string={"q": "a" * 101}), 400, "invalid_query")


def test_the_lookup_needs_a_signed_in_caller(org):
    response = org.app.test_client().get(LOOKUP, query_string={"q": "carol"})
    assert response.status_code == 401
