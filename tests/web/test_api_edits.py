"""Editing a record through the API: If-Match with the revision's ETag, 409 with what changed."""

from __future__ import annotations

from tests.conftest import SEED_FILES, api_token


def _seed(app) -> str:
    registry = app.extensions["registry"]
    registry.imports.import_paths([SEED_FILES["venice_form"]])
    return registry.search.query("Conecta con tu familia").hits[0].id


def test_an_edit_needs_if_match_and_a_stale_one_gets_409_with_the_changes(app, accounts):
    practice_id = _seed(app)
    client = app.test_client()
    moderator = api_token(app, accounts["moderator"])
    first = client.get(f"/api/practices/{practice_id}", headers=moderator)
    etag = first.headers["ETag"]
    assert etag == f'"{practice_id}-r1"'
    record = first.get_json()

    missing = client.put(f"/api/practices/{practice_id}", headers=moderator, json=record)
    assert missing.status_code == 428
    assert "If-Match" in missing.get_json()["error"]["message"]

    edited = {**record, "status": "completed", "end_date": "2025-12"}
    done = client.put(f"/api/practices/{practice_id}", json=edited,
                      headers={**moderator, "If-Match": etag})
    assert done.status_code == 200 and done.headers["ETag"] == f'"{practice_id}-r2"'
    assert done.get_json()["revision"] == 2 and done.get_json()["status"] == "completed"

    # another edit still based on revision 1: refused, and told what changed since
    stale = client.put(f"/api/practices/{practice_id}", json={**record, "status": "planned"},
                       headers={**moderator, "If-Match": etag})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "stale_version"
    changes = {c["path"]: c for c in error["changes"]}
    assert changes["/status"]["old"] == record["status"]
    assert changes["/status"]["new"] == "completed"
    assert changes["/end_date"]["new"] == "2025-12"
    assert client.get(f"/api/practices/{practice_id}").get_json()["status"] == "completed"

    wrong = client.put(f"/api/practices/{practice_id}", json=record,
                       headers={**moderator, "If-Match": '"gp-other-r1"'})
    assert wrong.status_code == 412


def test_an_invalid_body_is_a_422_naming_the_field_and_stores_nothing(app, accounts):
    practice_id = _seed(app)
    client = app.test_client()
    admin = api_token(app, accounts["admin"])
    record = client.get(f"/api/practices/{practice_id}", headers=admin).get_json()
    broken = {**record, "kpis": [{"name": "families", "observations": [{"value": "many"}]}]}
    response = client.put(f"/api/practices/{practice_id}", json=broken,
                          headers={**admin, "If-Match": f'"{practice_id}-r1"'})
    assert response.status_code == 422
    assert "kpis.0.observations.0.value" in str(response.get_json()["error"]["fields"])
    assert len(client.get(f"/api/practices/{practice_id}/revisions").get_json()) == 1


def test_only_moderators_and_admins_edit_and_see_contacts(app, accounts):
    practice_id = _seed(app)
    client = app.test_client()
    record = client.get(f"/api/practices/{practice_id}").get_json()
    assert record["contacts"] == []  # the form's contact is not public
    headers = {"If-Match": f'"{practice_id}-r1"'}
    assert client.put(f"/api/practices/{practice_id}", json=record,
                      headers=headers).status_code == 401
    for role in ("submitter", "juror", "chair"):
        token = api_token(app, accounts[role])
        response = client.put(f"/api/practices/{practice_id}", json=record,
                              headers={**token, **headers})
        assert response.status_code == 403, role
        assert client.get(f"/api/practices/{practice_id}", headers=token
                          ).get_json()["contacts"] == [], role
    moderator = api_token(app, accounts["moderator"])
    full = client.get(f"/api/practices/{practice_id}", headers=moderator).get_json()
    assert full["contacts"][0]["name"] == "Rocio Moreno"
