"""Small builders shared by tests: object documents and a publish shortcut."""


def object_doc(name, *fields, **extra):
    """An object document with ``fields`` (dicts) and optional extra properties."""
    return {"kind": "object", "name": name, "fields": list(fields), **extra}


def define(api, *docs, confirm=False):
    """PUT each document as a draft and publish; return the publish response."""
    for doc in docs:
        response = api.put(f"/api/v1/metadata/{doc['kind']}/{doc['name']}", json=doc)
        assert response.status_code == 200, response.get_json()
    return api.post("/api/v1/metadata/publish", json={"confirm_data_loss": confirm})
