"""The story's edition over the JSON API, on SQLite and PostgreSQL; errors in the envelope.

The chair calls with a chair's token, Chloé with her own juror account's token."""

from __future__ import annotations

import csv
import io

from registry.permissions import SYSTEM
from tests.conftest import PASSWORD, api_token

from .edition_story import (
    AWARD,
    CONFLICTS,
    CRITERIA,
    DECLARED,
    HISTORIC_I,
    JURORS,
    NETWORK,
    RUBRIC,
    entries_of,
    import_practices,
    marks,
    score_sheet,
)
from .test_scoring import NORMALISED_ORDER, NORMALISED_SUM, RAW_SUM


def test_an_edition_over_the_api(app, client, accounts, jury_accounts):
    practices = import_practices(app.extensions["registry"])
    as_chair = api_token(app, accounts["chair"])
    as_chloe = api_token(app, jury_accounts["chloe"])

    def call(method: str, url: str, status: int, headers: dict = as_chair, **kwargs):
        response = client.open(f"/api/awards{url}", method=method, headers=headers, **kwargs)
        assert response.status_code == status, response.get_json()
        return response.get_json()

    rubrics = call("GET", "/rubrics?lang=es", 200)
    oru = next(r for r in rubrics if r["id"] == RUBRIC)
    assert oru["stand_in"] and oru["criteria"][0]["label"] == "Impacto y resultados"

    award = call("POST", "", 201, json={"name": AWARD})
    first = call("POST", f"/{award['id']}/editions", 201,
                 json={"number": "I", "rubric": RUBRIC, "year": 2016})
    historic = call("POST", f"/editions/{first['id']}/entries/historic", 201, json={})
    assert {h["place"]: (h["historic_total"], h["registration_no"]) for h in historic} == (
        HISTORIC_I)

    edition = call("POST", f"/{award['id']}/editions", 201,
                   json={"number": "III", "rubric": RUBRIC, "year": 2018, "blind": True})
    base = f"/editions/{edition['id']}"
    for label, practice_id in practices.items():
        entry = call("POST", f"{base}/entries", 201,
                     json={"practice_id": practice_id, "submitted_by": NETWORK})
        assert entry["label"] == label
    jurors = {key: call("POST", f"{base}/jurors", 201, json=invitation)["id"]
              for key, invitation in JURORS.items()}
    key_of = {v: k for k, v in jurors.items()}
    juror, label, note = DECLARED
    call("POST", f"{base}/conflicts", 201,
         json={"juror_id": jurors[juror], "entry": label, "note": note})
    assert {(key_of[c["juror"]], c["entry"], c["kind"])
            for c in call("GET", f"{base}/conflicts", 200)} == CONFLICTS

    refused = call("POST", f"{base}/assignments", 409,
                   json={"juror_id": jurors["chloe"], "entries": ["E05"]})
    assert refused == {"error": {
        "code": "conflict_of_interest",
        "message": "Chloé Martin cannot score E05: conflict of interest, same_country (juror "
                   "and practice are both from CO)",
        "fields": {"E05": ["same_country (juror and practice are both from CO)"]}}}
    bad = call("POST", f"{base}/assignments", 422, json={"auto": True})
    assert bad["error"]["fields"] == {"per_entry": ["automatic assignment needs per_entry."]}
    for key, juror_id in jurors.items():
        call("POST", f"{base}/assignments", 201,
             json={"juror_id": juror_id, "entries": entries_of(key)})
    assert call("POST", f"{base}/start", 200)["phase"] == "scoring"

    # Chloé reads her entries in French, blind
    chloe = f"{base}/jurors/{jurors['chloe']}/entries"
    mine = call("GET", chloe, 200, as_chloe)
    assert [e["label"] for e in mine["entries"]] == entries_of("chloe")
    assert mine["rubric"]["criteria"][0]["label"] == "Impact et résultats"
    assert all("jurisdiction" not in e["practice"] for e in mine["entries"])
    not_hers = call("GET", f"{chloe}/E05", 403, as_chloe)
    assert not_hers["error"]["code"] == "not_assigned"

    # she saves a draft, then submits; a bad value is named in the envelope
    points = marks("chloe", "E01")
    wrong = call("PUT", f"{chloe}/E01/scores", 422, as_chloe, json={"scores": {"impact": 12}})
    assert wrong["error"]["code"] == "scores_invalid"
    assert wrong["error"]["fields"] == {"impact": ["12 is outside the scale 0..10."]}
    draft = call("PUT", f"{chloe}/E01/scores", 200, as_chloe, json={
        "scores": {"impact": points["impact"]},
        "comments": {"impact": "Peu de chiffres sur les résultats."}})
    assert draft["entry"]["status"] == "draft" and draft["panel_visible"] is False
    call("PUT", f"{chloe}/E01/scores", 200, as_chloe,
         json={"scores": {c: str(points[c]) for c in CRITERIA[1:]}, "submit": True})
    for label in entries_of("chloe")[1:]:
        call("PUT", f"{chloe}/{label}/scores", 200, as_chloe,
             json={"scores": marks("chloe", label), "submit": True})

    # the others' sheets come as CSV
    sheet = score_sheet(["ana", "ben", "dario", "eva"])
    imported = call("POST", f"{base}/scores", 200, data=sheet, content_type="text/csv")
    assert imported == {"sheets": 29, "scores": 145, "changed": 145}
    assert call("GET", base, 200)["progress"]["submitted"] == 36

    assert call("POST", f"{base}/close", 200)["phase"] == "closed"
    panel = call("GET", f"{chloe}/E01", 200, as_chloe)["panel"]
    assert [p["juror"] for p in panel] == ["Ana Ruiz", "Ben Carvalho"]

    results = call("GET", f"{base}/results", 200)
    assert [e["entry"] for e in results["entries"]] == NORMALISED_ORDER
    assert {e["entry"]: e["raw_aggregate"] for e in results["entries"]} == RAW_SUM
    table = client.get(f"/api/awards{base}/results.csv", headers=as_chair)
    assert table.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(table.get_data(as_text=True))))
    assert {r["entry"]: float(r["normalised_aggregate"]) for r in rows} == NORMALISED_SUM

    changes = call("GET", f"{base}/score-changes", 200)
    chloe_impact = [(c["old"], c["new"], c["new_comment"]) for c in changes
                    if c["juror"] == JURORS["chloe"]["email"]
                    and (c["entry"], c["criterion"]) == ("E01", "impact")]
    assert chloe_impact == [(None, str(points["impact"]), "Peu de chiffres sur les résultats.")]
    assert {(c["changed_by"], c["via"]) for c in changes} == {
        (jury_accounts["chloe"].email, "juror"), (accounts["chair"].email, "import")}

    published = call("POST", f"{base}/publish", 200)
    assert published["frozen"] and call("GET", f"{base}/results", 200) == published
    frozen = call("PUT", f"{chloe}/E01/scores", 409, as_chloe, json={"scores": {"impact": 9}})
    assert frozen["error"]["code"] == "wrong_phase"
    assert "its results are frozen" in frozen["error"]["message"]
    assert call("POST", f"{base}/publish", 409)["error"]["code"] == "wrong_phase"


def test_unknown_editions_and_jurors_are_404_envelopes(app, client, accounts):
    response = client.get("/api/awards/editions/999/results")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found",
                                             "message": "no award edition 999", "fields": {}}}
    assert client.post("/api/awards/999/editions", json={"number": "I", "rubric": RUBRIC},
                       headers=api_token(app, accounts["chair"])
                       ).get_json()["error"]["message"] == "no award 999"


def test_the_openapi_document_lists_the_award_endpoints(client):
    paths = set(client.get("/api/openapi.json").get_json()["paths"])
    assert {
        "/api/awards/rubrics", "/api/awards/editions/{edition_id}/assignments",
        "/api/awards/editions/{edition_id}/jurors/{juror_id}/entries",
        "/api/awards/editions/{edition_id}/jurors/{juror_id}/entries/{label}/scores",
        "/api/awards/editions/{edition_id}/results",
        "/api/awards/editions/{edition_id}/results.csv",
    } <= paths


def test_text_no_database_can_store_is_refused_clearly_on_both(app, accounts):
    """PostgreSQL refuses NUL characters and enforces column lengths; SQLite does neither.
    Both answer the same clear 422 (or 404 for a label in the URL), never a server error."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = api_token(app, accounts["chair"])[
        "Authorization"]
    nul = client.post("/api/awards", json={"name": "Prize\x00"})
    assert nul.status_code == 422
    assert nul.get_json()["error"]["fields"] == {
        "name": ["contains a NUL character (\\x00), which no text may hold."]}
    award = client.post("/api/awards", json={"name": AWARD}).get_json()
    edition = client.post(f"/api/awards/{award['id']}/editions",
                          json={"number": "I", "rubric": RUBRIC}).get_json()
    base = f"/api/awards/editions/{edition['id']}"
    long = client.post(f"{base}/jurors", json={"name": "A" * 201, "email": "a@example.org"})
    assert long.status_code == 422
    assert long.get_json()["error"]["fields"] == {"name": ["longer than 200 characters."]}
    juror = client.post(f"{base}/jurors", json={"name": "Ana", "email": "a@example.org"})
    url = f"{base}/jurors/{juror.get_json()['id']}/entries/E%00"
    ana = app.extensions["registry"].accounts.create(SYSTEM, email="a@example.org", name="Ana",
                                                     password=PASSWORD, role="juror")
    assert client.get(url, headers=api_token(app, ana)).status_code == 404
    entry = client.post(f"{base}/entries", json={"practice_id": "gp-\x00"})
    assert entry.status_code == 422 and "practice_id" in entry.get_json()["error"]["fields"]
