"""The submission workflow on the site and the API: drafts stay private until a moderator of
the network publishes them; each publish is a revision; bad uploads change nothing."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from registry.models import Practice, Submission
from tests.conftest import DATA, SEED_FILES, api_token, csrf_token, login

ORU_FR = SEED_FILES["oru_fogar"]
SPARSE = DATA / "venice_form" / "en_no_kpi_figures.txt"


def _count(app, model) -> int:
    with app.extensions["registry"].db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def _upload(client, path, name=None):
    token = csrf_token(client, "/submissions/")
    return client.post("/submissions/upload", data={
        "csrf_token": token, "document": (io.BytesIO(path.read_bytes()), name or path.name)},
        content_type="multipart/form-data")


def _post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/submissions/"), **data})


def test_a_network_submits_a_document_and_its_moderator_publishes_it(app, accounts):
    submitter, moderator = app.test_client(), app.test_client()
    login(submitter, accounts["submitter"].email)
    login(moderator, accounts["moderator"].email)
    anonymous = app.test_client()

    uploaded = _upload(submitter, ORU_FR)
    assert uploaded.status_code == 302
    draft_url = uploaded.location
    preview = submitter.get(draft_url).get_data(as_text=True)
    # the preview says what is missing, and marks the missing form fields
    missing = re.search(r'id="missing">(.*?)</div>', preview, re.S).group(1)
    assert "end_date" in missing and "stakeholders" in missing
    assert re.search(r'class="field missing"><label for="end_date">', preview)
    assert 'value="Jalisco"' in preview  # the form shows the parsed values

    # drafts are private: not in the practices, the search, or another network's view
    title = app.extensions["registry"].submissions.list(accounts["submitter"])[0]["record"][
        "title"]["fr"]
    assert _count(app, Practice) == 0
    assert anonymous.get("/api/practices").get_json()["total"] == 0
    assert title not in anonymous.get(f"/?q={title[:20]}").get_data(as_text=True)
    assert anonymous.get(draft_url).status_code == 302  # sign in first
    other = app.test_client()
    login(other, accounts["other_moderator"].email)
    assert other.get(draft_url).status_code == 404

    # fix: give the end date; a broken date is refused with the reason on the field
    submission_id = int(draft_url.rsplit("/", 1)[1])
    record = app.extensions["registry"].submissions.get(accounts["submitter"], submission_id)
    form = _form_of(record["record"])
    bad = _post(submitter, draft_url, **{**form, "end_date": "2019-13-45"})
    assert bad.status_code == 422
    assert re.search(r'id="end_date-errors"[^>]*>[^<]*(date|Not a valid)', bad.get_data(
        as_text=True))
    fixed = _post(submitter, draft_url, **{**form, "end_date": "2016-12"})
    assert fixed.status_code == 302
    assert "end_date" not in app.extensions["registry"].submissions.get(
        accounts["submitter"], submission_id)["missing"]

    # a submitter cannot publish; the moderator of the network can
    _post(submitter, f"{draft_url}/submit")
    assert _post(submitter, f"{draft_url}/publish").status_code == 403
    assert _post(other, f"{draft_url}/publish").status_code == 404
    assert "Waiting for your review" in moderator.get("/submissions/").get_data(as_text=True)
    _post(moderator, f"{draft_url}/publish")
    published = app.extensions["registry"].submissions.get(accounts["moderator"],
                                                           submission_id)
    assert published["state"] == "published" and published["practice_revision"] == 1
    practice = anonymous.get(f"/api/practices/{published['practice_id']}").get_json()
    assert practice["end_date"] == "2016-12" and practice["title"]["fr"] == title
    assert published["practice_id"] in [h["id"] for h in anonymous.get(
        "/api/search?q=Femmes qui avancent").get_json()["hits"]]


def test_a_returned_submission_is_fixed_and_published_as_the_next_revision(app, accounts):
    submitter, moderator = app.test_client(), app.test_client()
    login(submitter, accounts["submitter"].email)
    login(moderator, accounts["moderator"].email)
    service = app.extensions["registry"].submissions

    first_url = _upload(submitter, ORU_FR).location
    _post(submitter, f"{first_url}/submit")
    _post(moderator, f"{first_url}/publish")
    practice_id = service.get(accounts["moderator"], int(first_url.rsplit("/", 1)[1]))[
        "practice_id"]

    # the same source again, with a changed title: returned, fixed, published as revision 2
    second_url = _upload(submitter, ORU_FR, "again.txt").location
    second_id = int(second_url.rsplit("/", 1)[1])
    _post(submitter, f"{second_url}/submit")
    refused = _post(moderator, f"{second_url}/return", note="")
    assert service.get(accounts["moderator"], second_id)["state"] == "submitted", refused
    _post(moderator, f"{second_url}/return", note="Le titre doit nommer la région.")
    page = submitter.get(second_url).get_data(as_text=True)
    assert "Returned by the moderator" in page and "Le titre doit nommer la région." in page
    form = _form_of(service.get(accounts["submitter"], second_id)["record"])
    _post(submitter, second_url, **{**form, "title": "Jalisco : " + form["title"]})
    _post(submitter, f"{second_url}/submit")
    _post(moderator, f"{second_url}/publish")
    assert service.get(accounts["submitter"], second_id)["practice_id"] == practice_id

    reader = app.test_client()
    revisions = reader.get(f"/api/practices/{practice_id}/revisions").get_json()
    assert [(r["number"], r["reason"]) for r in revisions] == [(1, "publish"), (2, "publish")]
    changes = reader.get(f"/practices/{practice_id}/changes").get_data(as_text=True)
    assert "Changes from revision 1 to 2" in changes
    assert re.search(r"<code>title\.fr</code>.*<ins>Jalisco : ", changes, re.S)
    page = reader.get(f"/practices/{practice_id}").get_data(as_text=True)
    assert "changes from revision 1" in page


def test_a_draft_typed_into_the_form(app, accounts):
    client = app.test_client()
    login(client, accounts["submitter"].email)
    token = csrf_token(client, "/submissions/new")
    empty = client.post("/submissions/new", data={"csrf_token": token, "language": "es",
                                                  "title": "", "practice_type": "programme",
                                                  "status": "ongoing"})
    assert empty.status_code == 422 and 'id="title-errors"' in empty.get_data(as_text=True)
    assert _count(app, Submission) == 0
    made = client.post("/submissions/new", data={
        "csrf_token": token, "language": "es", "title": "Escuela de familias",
        "practice_type": "programme", "status": "ongoing", "country": "co", "level": "",
        "start_date": "2021-03", "aims": "Acompañar a las familias\nPrevenir la violencia"})
    assert made.status_code == 302
    item = app.extensions["registry"].submissions.list(accounts["submitter"])[0]
    record = item["record"]
    assert record["jurisdiction"]["country"] == "CO" and record["start_date"] == "2021-03"
    assert [a["es"] for a in record["aims"]] == ["Acompañar a las familias",
                                                "Prevenir la violencia"]
    assert record["provenance"]["format"] == "form" and item["state"] == "draft"
    assert "description" in item["missing"]


@pytest.mark.parametrize(("content", "name", "reason"), [
    (b"", "empty.txt", "the file is empty"),
    (b"Ingredients: 2 eggs, flour.\nMix and bake for 20 minutes.\n", "cake.txt",
     "not a document in any known format"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "photo.txt", "binary content"),
    ("Título: hogares\n".encode("latin-1"), "latin.txt", "not UTF-8"),
])
def test_bad_uploads_say_what_is_wrong_and_store_nothing(app, accounts, content, name,
                                                         reason):
    client = app.test_client()
    login(client, accounts["submitter"].email)
    token = csrf_token(client, "/submissions/")
    response = client.post("/submissions/upload", data={
        "csrf_token": token, "document": (io.BytesIO(content), name)},
        content_type="multipart/form-data")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert reason in text and name in text
    assert _count(app, Submission) == 0


def test_an_oversized_upload_is_refused_before_it_is_read(app, accounts):
    client = app.test_client()
    login(client, accounts["submitter"].email)
    limit = app.config["MAX_CONTENT_LENGTH"]
    token = csrf_token(client, "/submissions/")
    response = client.post("/submissions/upload", data={
        "csrf_token": token, "document": (io.BytesIO(b"a" * (limit + 1)), "big.txt")},
        content_type="multipart/form-data")
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)
    assert _count(app, Submission) == 0


def test_bulk_submission_with_an_api_token(app, accounts):
    client = app.test_client()
    submitter = api_token(app, accounts["submitter"])
    moderator = api_token(app, accounts["moderator"])
    made = []
    for path in (ORU_FR, DATA / "relaf_newsletter" / "es_guatemala_paraguay.txt", SPARSE):
        response = client.post("/api/submissions/documents", headers=submitter, data={
            "document": (io.BytesIO(path.read_bytes()), path.name), "submit": "true"},
            content_type="multipart/form-data")
        assert response.status_code == 201, response.get_json()
        made.extend(response.get_json())
    assert len(made) >= 4  # the RELAF newsletter holds one record per country section
    assert {s["state"] for s in made} == {"submitted"}
    sparse = next(s for s in made if s["filename"] == SPARSE.name)
    assert sparse["missing"]  # a sparse but real form comes in, saying what it lacks

    refused = client.post(f"/api/submissions/{made[0]['id']}/publish", headers=submitter)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    for item in made:
        response = client.post(f"/api/submissions/{item['id']}/publish", headers=moderator)
        assert response.status_code == 200 and response.get_json()["state"] == "published"
    assert client.get("/api/practices").get_json()["total"] == len(made)

    bad = client.post("/api/submissions/documents", headers=submitter, data={
        "document": (io.BytesIO(b"just some words"), "note.txt")},
        content_type="multipart/form-data")
    assert bad.status_code == 422
    assert bad.get_json()["error"]["message"].startswith("note.txt: not a document")
    invalid = client.post("/api/submissions", headers=submitter,
                          json={"language": "es", "title": {}})
    assert invalid.status_code == 422 and "title" in invalid.get_json()["error"]["fields"]
    assert client.post(f"/api/submissions/{made[0]['id']}/return", headers=moderator,
                       json={"note": "again"}).status_code == 409  # already published


def _form_of(record: dict) -> dict:
    from registry.web.submissions import form_data

    return {k: v or "" for k, v in form_data(record).items()}
