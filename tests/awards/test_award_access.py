"""Who may see and do what in an award edition, on the pages and over the API.

Chloé scores through her own juror account (same email as her seat on the jury); Ben's
account, a juror of no jury and the chair get 403 on her pages and scores; nobody signed in
is sent to sign in (401 on the API); a juror reaches no chair action; the chair runs the
edition; published results are public, the jurors named but not their emails; a form sent
without its CSRF token is refused and changes nothing.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import api_token, csrf_token, login

from .edition_story import CRITERIA, JURORS, PANELS, marks


@pytest.fixture
def scoring(story):
    """The story's edition with its panels assigned, in phase ``scoring``."""
    story.assign_panels()
    story.awards.start_scoring(story.id)
    return story


def urls(story) -> dict[str, str]:
    chloe = f"/awards/editions/{story.id}/jurors/{story.jurors['chloe']}"
    edition = f"/awards/editions/{story.id}"
    return {"juror_home": chloe, "score_form": f"{chloe}/entries/E01", "edition": edition,
            "assign": f"{edition}/assign", "phase": f"{edition}/phase",
            "results": f"{edition}/results", "csv": f"{edition}/results.csv",
            "mine": "/awards/mine"}


def api(story) -> dict[str, str]:
    base = f"/api/awards/editions/{story.id}"
    chloe = f"{base}/jurors/{story.jurors['chloe']}/entries"
    return {"edition": base, "entries": f"{base}/entries", "jurors": f"{base}/jurors",
            "conflicts": f"{base}/conflicts", "assignments": f"{base}/assignments",
            "score_changes": f"{base}/score-changes", "results": f"{base}/results",
            "csv": f"{base}/results.csv", "juror_entries": chloe,
            "juror_entry": f"{chloe}/E01", "scores": f"{chloe}/E01/scores"}


def chair_writes(story) -> list[tuple[str, str, dict]]:
    """Every chair write of the API: (method, url, request arguments)."""
    base = f"/api/awards/editions/{story.id}"
    ben = story.jurors["ben"]
    return [
        ("POST", "/api/awards", {"json": {"name": "Another award"}}),
        ("POST", f"/api/awards/{story.award_id}/editions",
         {"json": {"number": "IV", "rubric": "oru-regional-good-practices"}}),
        ("POST", f"{base}/entries", {"json": {"practice_id": story.practices["E01"]}}),
        ("POST", f"{base}/entries/historic", {"json": {}}),
        ("POST", f"{base}/jurors", {"json": {"name": "Zoe", "email": "zoe@example.org"}}),
        ("POST", f"{base}/conflicts", {"json": {"juror_id": ben, "entry": "E12"}}),
        ("POST", f"{base}/assignments", {"json": {"juror_id": ben, "entries": ["E12"]}}),
        ("DELETE", f"{base}/assignments/{ben}/E01", {}),
        ("POST", f"{base}/close", {}),
        ("POST", f"{base}/publish", {}),
        ("POST", f"{base}/scores", {"data": "entry,juror\n", "content_type": "text/csv"}),
    ]


def state(story) -> tuple:
    """What a refused request must leave as it was: phase, assignments, conflicts, audit."""
    awards = story.awards
    return (awards.edition(story.id), awards.assignments(story.id),
            awards.conflicts(story.id), awards.jurors(story.id),
            awards.score_changes(story.id), awards.awards())


def sent_to_sign_in(response, url: str) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith(
        "/login?next=" + url.split("?")[0])


# -- nobody signed in -------------------------------------------------------------------------


def test_anonymous_readers_are_sent_to_sign_in(scoring, client):
    before = state(scoring)
    for name, url in urls(scoring).items():
        if name not in ("assign", "phase"):  # forms' targets, posted below
            assert sent_to_sign_in(client.get(url), url), name
    token = csrf_token(client, "/login")  # a valid token of this browser: still not enough
    pages = urls(scoring)
    for url, data in [(pages["score_form"], {"score-impact": "5", "action": "draft"}),
                      (pages["assign"], {"auto": "1", "per_entry": "2"}),
                      (pages["phase"], {"action": "close"})]:
        assert sent_to_sign_in(client.post(url, data={**data, "csrf_token": token}), url)
    assert state(scoring) == before
    assert "Your award entries" not in client.get("/awards/").get_data(as_text=True)


def test_the_api_asks_anonymous_callers_for_a_token(scoring, client):
    before = state(scoring)
    for name, url in api(scoring).items():
        method = "PUT" if name == "scores" else "GET"
        response = client.open(url, method=method, json={"scores": {"impact": 5}}
                               if method == "PUT" else None)
        assert response.status_code == 401, name
        assert response.get_json()["error"]["code"] == "login_required", name
    for method, url, kwargs in chair_writes(scoring):
        assert client.open(url, method=method, **kwargs).status_code == 401, url
    assert state(scoring) == before
    assert client.get("/api/awards/rubrics").status_code == 200
    assert client.get("/api/awards").get_json()[0]["editions"][0]["id"] == scoring.id


def test_the_openapi_document_says_which_endpoints_need_a_token(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    juror = "/api/awards/editions/{edition_id}/jurors/{juror_id}/entries/{label}"
    assert paths[f"{juror}/scores"]["put"]["security"] == [{"bearerAuth": []}]
    assert paths[juror]["get"]["security"] == [{"bearerAuth": []}]
    assert paths["/api/awards/editions/{edition_id}/jurors"]["get"]["security"] == [
        {"bearerAuth": []}]
    assert paths["/api/awards"]["post"]["security"] == [{"bearerAuth": []}]
    assert "security" not in paths["/api/awards"]["get"]
    assert "security" not in paths["/api/awards/rubrics"]["get"]
    # results: public once published, a chair's token before then
    assert paths["/api/awards/editions/{edition_id}/results"]["get"]["security"] == [
        {}, {"bearerAuth": []}]


# -- jurors -----------------------------------------------------------------------------------


def test_a_juror_acts_only_through_their_own_account(scoring, app, client, accounts,
                                                     jury_accounts):
    """Ben's account, a juror of no jury, the chair and an admin get 403 on Chloé's pages
    and scores."""
    pages = urls(scoring)
    before = state(scoring)
    for intruder in (jury_accounts["ben"], accounts["juror"], accounts["chair"],
                     accounts["admin"]):
        browser = app.test_client()
        assert login(browser, intruder.email).status_code == 302
        token = csrf_token(browser, "/awards/mine")
        assert browser.get(pages["juror_home"]).status_code == 403
        assert browser.get(pages["score_form"]).status_code == 403
        posted = browser.post(pages["score_form"], data={
            "score-impact": "5", "action": "draft", "csrf_token": token})
        assert posted.status_code == 403
        headers = api_token(app, intruder)
        for name in ("juror_entries", "juror_entry"):
            assert client.get(api(scoring)[name], headers=headers).status_code == 403
        put = client.put(api(scoring)["scores"], headers=headers,
                         json={"scores": {"impact": 5}})
        assert put.status_code == 403 and put.get_json()["error"]["code"] == "forbidden"
    assert state(scoring) == before

    # Chloé herself: her page, her form, her scores; the audit names her account
    browser = app.test_client()
    assert login(browser, jury_accounts["chloe"].email).status_code == 302
    assert browser.get(pages["juror_home"]).status_code == 200
    assert 'value="submit"' in browser.get(pages["score_form"]).get_data(as_text=True)
    headers = api_token(app, jury_accounts["chloe"])
    put = client.put(api(scoring)["scores"], headers=headers,
                     json={"scores": marks("chloe", "E01"), "submit": True})
    assert put.status_code == 200 and put.get_json()["entry"]["status"] == "submitted"
    assert {c["changed_by"] for c in scoring.awards.score_changes(scoring.id)} == {
        JURORS["chloe"]["email"]}


def test_a_juror_lists_their_seats_without_knowing_ids(scoring, app, accounts, jury_accounts):
    browser = app.test_client()
    assert login(browser, jury_accounts["chloe"].email).status_code == 302
    home = browser.get("/awards/").get_data(as_text=True)
    assert 'href="/awards/mine">Your award entries</a>' in home
    mine = browser.get("/awards/mine")
    assert mine.status_code == 200
    page = mine.get_data(as_text=True)
    assert f'href="{urls(scoring)["juror_home"]}"' in page
    assert "ORU Fogar Regional Good Practices Award III (2018)" in page
    hers = sum("chloe" in panel for panel in PANELS.values())
    assert f"0 of {hers}" in page

    nobody = app.test_client()  # a juror account that sits on no jury
    assert login(nobody, accounts["juror"].email).status_code == 302
    assert "You sit on no award jury yet" in nobody.get("/awards/mine").get_data(as_text=True)
    chair = app.test_client()
    assert login(chair, accounts["chair"].email).status_code == 302
    assert chair.get("/awards/mine").status_code == 403
    assert "Your award entries" not in chair.get("/awards/").get_data(as_text=True)


def test_a_juror_reaches_no_chair_action(scoring, app, client, jury_accounts):
    pages = urls(scoring)
    before = state(scoring)
    browser = app.test_client()
    assert login(browser, jury_accounts["chloe"].email).status_code == 302
    token = csrf_token(browser, pages["score_form"])
    for name in ("edition", "results", "csv"):
        assert browser.get(pages[name]).status_code == 403, name
    assert browser.post(pages["assign"], data={
        "auto": "1", "per_entry": "2", "csrf_token": token}).status_code == 403
    assert browser.post(pages["phase"], data={
        "action": "close", "csrf_token": token}).status_code == 403
    headers = api_token(app, jury_accounts["chloe"])
    for name in ("edition", "entries", "jurors", "conflicts", "assignments", "score_changes",
                 "results", "csv"):
        response = client.get(api(scoring)[name], headers=headers)
        assert response.status_code == 403, name
    for method, url, kwargs in chair_writes(scoring):
        assert client.open(url, method=method, headers=headers, **kwargs).status_code == 403
    assert state(scoring) == before


# -- the chair --------------------------------------------------------------------------------


def test_the_chair_runs_the_edition(scoring, app, client, accounts):
    pages = urls(scoring)
    browser = app.test_client()
    assert login(browser, accounts["chair"].email).status_code == 302
    for name in ("edition", "results", "csv"):
        assert browser.get(pages[name]).status_code == 200, name
    edition = browser.get(pages["edition"]).get_data(as_text=True)
    assert all(j["email"] in edition for j in JURORS.values())  # whom to make accounts for
    token = csrf_token(browser, pages["edition"])
    headers = api_token(app, accounts["chair"])
    for name in ("edition", "entries", "jurors", "conflicts", "assignments", "score_changes",
                 "results", "csv"):
        assert client.get(api(scoring)[name], headers=headers).status_code == 200, name
    jurors = client.get(api(scoring)["jurors"], headers=headers).get_json()
    assert {j["email"] for j in jurors} == {j["email"] for j in JURORS.values()}
    closed = browser.post(pages["phase"], data={"action": "close", "csrf_token": token})
    assert closed.status_code == 302 and scoring.awards.edition(scoring.id)["phase"] == "closed"
    admin = api_token(app, accounts["admin"])
    published = client.post(f"{api(scoring)['edition']}/publish", headers=admin)
    assert published.status_code == 200 and published.get_json()["frozen"]


def test_published_results_are_public_without_the_jurors_emails(scoring, app, client,
                                                                 accounts):
    for label, panel in PANELS.items():
        for juror in panel:
            scoring.awards.save_scores(scoring.id, scoring.jurors[juror], label,
                                       marks(juror, label), submit=True)
    pages = urls(scoring)
    assert sent_to_sign_in(client.get(pages["results"]), pages["results"])
    scoring.awards.close_scoring(scoring.id)
    scoring.awards.publish(scoring.id)

    page = client.get(pages["results"])
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "these results are frozen" in text and "Chloé Martin" in text
    assert f'href="{pages["csv"]}"' in text
    assert client.get(pages["csv"]).status_code == 200
    assert client.get(api(scoring)["csv"]).get_data() == client.get(pages["csv"]).get_data()
    public = client.get(api(scoring)["results"])
    assert public.status_code == 200
    body = json.dumps(public.get_json())
    assert not any(j["email"] in body or j["email"] in text for j in JURORS.values())
    assert {j["name"] for j in public.get_json()["jurors"]} == {
        j["name"] for j in JURORS.values()}
    full = client.get(api(scoring)["results"],
                      headers=api_token(app, accounts["chair"])).get_json()
    assert {j["juror"] for j in full["jurors"]} == {j["email"] for j in JURORS.values()}
    assert [e["entry"] for e in public.get_json()["entries"]] == [
        e["entry"] for e in full["entries"]]
    # the rest stays the chair's
    assert client.get(api(scoring)["jurors"]).status_code == 401
    assert sent_to_sign_in(client.get(pages["edition"]), pages["edition"])
    listing = client.get("/awards/").get_data(as_text=True)
    assert f'href="{pages["results"]}"' in listing and f'href="{pages["edition"]}"' not in (
        listing)


# -- CSRF -------------------------------------------------------------------------------------


def test_a_form_sent_without_its_csrf_token_is_refused_and_changes_nothing(
        scoring, app, accounts, jury_accounts):
    pages = urls(scoring)
    before = state(scoring)
    juror = app.test_client()
    assert login(juror, jury_accounts["chloe"].email).status_code == 302
    refused = juror.post(pages["score_form"], data={
        **{f"score-{c}": "5" for c in CRITERIA}, "action": "submit"})
    assert refused.status_code == 400
    forged = juror.post(pages["score_form"], data={
        "score-impact": "5", "action": "draft", "csrf_token": "not-the-token"})
    assert forged.status_code == 400
    chair = app.test_client()
    assert login(chair, accounts["chair"].email).status_code == 302
    assert chair.post(pages["phase"], data={"action": "close"}).status_code == 400
    assert chair.post(pages["assign"], data={"auto": "1", "per_entry": "2"}).status_code == 400
    assert state(scoring) == before
    # every award form of the pages carries its token
    form = juror.get(pages["score_form"]).get_data(as_text=True)
    assert form.count('name="csrf_token"') == form.count('<form method="post"') == 2
    edition = chair.get(pages["edition"]).get_data(as_text=True)
    assert edition.count('name="csrf_token"') == edition.count("<form method=\"post\"")
