"""Every endpoint × every role: who gets through, who is refused, and that no response ever
carries a hidden contact to someone not allowed personal data.

``ACCESS`` lists every route of the app and method with the roles that get through; a new
endpoint without a line here fails ``test_every_endpoint_is_in_the_table``. Pages send an
anonymous caller to sign in; the API answers 401; a signed-in role without the right gets
403, or 404 for another network's submissions (their existence is not revealed).
"""

from __future__ import annotations

import io
import re

import pytest

from tests.conftest import ROLE_ACCOUNTS, SEED_FILES, api_token, csrf_token, login

ROLES = ("anonymous", *ROLE_ACCOUNTS)
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
NETWORK = frozenset({"submitter", "moderator", "admin"})  # people of the relaf network
SUBMIT = frozenset({"submitter", "moderator", "other_moderator", "admin"})
MODERATE = frozenset({"moderator", "admin"})
EDIT = frozenset({"moderator", "other_moderator", "admin"})
CHAIR = frozenset({"chair", "admin"})
JUROR = frozenset({"juror"})
ADMIN = frozenset({"admin"})
TOKEN_OWNER = frozenset({"submitter", "admin"})
PERSONAL_DATA = frozenset({"moderator", "other_moderator", "admin"})  # may read contacts

ACCESS: dict[tuple[str, str], frozenset[str]] = {
    # reading the registry
    ("web.practice_list", "GET"): EVERYONE,
    ("web.practice_page", "GET"): EVERYONE,
    ("web.practice_changes", "GET"): EVERYONE,
    ("web.compare_page", "GET"): EVERYONE,
    ("web.compare_chart", "GET"): EVERYONE,
    ("web.kpi_chart", "GET"): EVERYONE,
    ("web.peer_chart", "GET"): EVERYONE,
    ("web.plugins_page", "GET"): EVERYONE,
    ("web.api_docs", "GET"): EVERYONE,
    ("web.static", "GET"): EVERYONE,
    ("api-docs.openapi_json", "GET"): EVERYONE,
    ("practices.Practices", "GET"): EVERYONE,
    ("practices.PracticeById", "GET"): EVERYONE,
    ("practices.PracticeById", "PUT"): EDIT,
    ("practices.PracticeRevisions", "GET"): EVERYONE,
    ("search.Search", "GET"): EVERYONE,
    ("search.Similar", "GET"): EVERYONE,
    ("compare.Compare", "GET"): EVERYONE,
    ("compare.Peers", "GET"): EVERYONE,
    ("compare.Plugins", "GET"): EVERYONE,
    ("sdg.SdgMap", "POST"): EVERYONE,
    # accounts
    ("auth.login", "GET"): EVERYONE,
    ("auth.login", "POST"): EVERYONE,
    ("auth.logout", "POST"): EVERYONE,
    ("auth.account", "GET"): SIGNED_IN,
    ("auth.account", "POST"): SIGNED_IN,
    ("auth.revoke_token", "POST"): TOKEN_OWNER,
    ("auth.accounts_page", "GET"): ADMIN,
    ("auth.accounts_page", "POST"): ADMIN,
    # submissions (the one in the table belongs to the relaf network)
    ("submissions.index", "GET"): SUBMIT,
    ("submissions.upload", "POST"): SUBMIT,
    ("submissions.new", "GET"): SUBMIT,
    ("submissions.new", "POST"): SUBMIT,
    ("submissions.detail", "GET"): NETWORK,
    ("submissions.detail", "POST"): NETWORK,
    ("submissions.submit", "POST"): NETWORK,
    ("submissions.publish", "POST"): MODERATE,
    ("submissions.return_to_network", "POST"): MODERATE,
    ("submissions_api.Submissions", "GET"): SUBMIT,
    ("submissions_api.Submissions", "POST"): SUBMIT,
    ("submissions_api.SubmissionDocuments", "POST"): SUBMIT,
    ("submissions_api.SubmissionById", "GET"): NETWORK,
    ("submissions_api.SubmissionById", "PUT"): NETWORK,
    ("submissions_api.SubmitSubmission", "POST"): NETWORK,
    ("submissions_api.PublishSubmission", "POST"): MODERATE,
    ("submissions_api.ReturnSubmission", "POST"): MODERATE,
    # awards: the chair runs an edition, a juror scores what is assigned to them
    ("awards_web.index", "GET"): EVERYONE,
    ("awards_web.mine", "GET"): JUROR,
    ("awards_web.edition_page", "GET"): CHAIR,
    ("awards_web.assign", "POST"): CHAIR,
    ("awards_web.phase", "POST"): CHAIR,
    ("awards_web.results_page", "GET"): CHAIR,
    ("awards_web.results_csv", "GET"): CHAIR,
    ("awards_web.juror_home", "GET"): JUROR,
    ("awards_web.score_form", "GET"): JUROR,
    ("awards_web.score_form", "POST"): JUROR,
    ("awards.Rubrics", "GET"): EVERYONE,
    ("awards.Awards", "GET"): EVERYONE,
    ("awards.Awards", "POST"): CHAIR,
    ("awards.Editions", "POST"): CHAIR,
    ("awards.EditionView", "GET"): CHAIR,
    ("awards.Entries", "GET"): CHAIR,
    ("awards.Entries", "POST"): CHAIR,
    ("awards.HistoricEntries", "POST"): CHAIR,
    ("awards.Jurors", "GET"): CHAIR,
    ("awards.Jurors", "POST"): CHAIR,
    ("awards.Conflicts", "GET"): CHAIR,
    ("awards.Conflicts", "POST"): CHAIR,
    ("awards.Assignments", "GET"): CHAIR,
    ("awards.Assignments", "POST"): CHAIR,
    ("awards.AssignmentView", "DELETE"): CHAIR,
    ("awards.Phase", "POST"): CHAIR,
    ("awards.JurorEntries", "GET"): JUROR,
    ("awards.JurorEntry", "GET"): JUROR,
    ("awards.JurorScores", "PUT"): JUROR,
    ("awards.ScoreSheet", "POST"): CHAIR,
    ("awards.ScoreChanges", "GET"): CHAIR,
    ("awards.ResultsView", "GET"): CHAIR,
    ("awards.ResultsCsv", "GET"): CHAIR,
}

#: Words of the Venice seed's contact, which is not marked public.
CONTACT = ("Rocio Moreno",)


def _routes(app) -> list[tuple[str, str, str]]:
    return sorted((rule.endpoint, method, rule.rule) for rule in app.url_map.iter_rules()
                  for method in rule.methods - {"HEAD", "OPTIONS"})


def test_every_endpoint_is_in_the_table(app):
    assert {(endpoint, method) for endpoint, method, _ in _routes(app)} == set(ACCESS)


@pytest.fixture
def world(app, accounts):
    """Seeds, a relaf submission, a running award edition with the juror account's juror."""
    registry = app.extensions["registry"]
    registry.imports.import_paths(SEED_FILES.values())
    practice = registry.search.query("Conecta con tu familia").hits[0].id
    submission = registry.submissions.upload(accounts["submitter"], "oru.txt",
                                             SEED_FILES["oru_fogar"].read_bytes())[0]
    awards = registry.awards
    award = awards.create_award("Regional Good Practices Award")
    edition = awards.create_edition(award["id"], "I", "oru-regional-good-practices")
    entry = awards.submit_entry(edition["id"], practice, submitted_by="relaf")
    juror = awards.invite_juror(edition["id"], name="Juror", email=accounts["juror"].email,
                                country="CL")
    awards.assign(edition["id"], juror["id"], [entry["label"]])
    awards.start_scoring(edition["id"])
    _, spare = registry.accounts.create_token(accounts["submitter"], "to revoke")
    record = registry.practices.get(practice)
    registry.practices.update(practice, {**record, "status": "completed"}, expected_version=1)
    medellin = registry.search.query("Medellín").hits[0].id  # has a cost per beneficiary
    return {"practice_id": practice, "submission_id": submission["id"],
            "edition_id": edition["id"], "award_id": award["id"], "juror_id": juror["id"],
            "label": entry["label"], "token_id": spare["id"],
            "metric_id": "cost_per_beneficiary", "action": "close", "filename": "site.css",
            "metric_practice_id": medellin,
            "bodies": {
                ("practices.PracticeById", "PUT"): registry.practices.get(practice),
                ("submissions_api.SubmissionById", "PUT"): submission["record"],
                ("submissions_api.ReturnSubmission", "POST"): {"note": "say more"}}}


def _url(rule: str, values: dict) -> str:
    if rule.startswith("/charts/"):  # charts of a practice with metrics
        values = {**values, "practice_id": values["metric_practice_id"]}
    url = re.sub(r"<(?:[^:<>]+:)?([a-z_]+)(?:\([^)]*\))?>",
                 lambda m: str(values[m.group(1)]), rule)
    if rule.startswith("/charts/compare.svg") or rule == "/api/compare":
        url += f"?ids={values['metric_practice_id']}&ids={values['practice_id']}"
    return url


def _client(app, role: str, accounts):
    client = app.test_client()
    headers = {}
    if role != "anonymous":
        login(client, accounts[role].email)
        headers = api_token(app, accounts[role], f"matrix {role}")
    return client, headers


def _denied(response, api: bool) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return not api and response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("role", ROLES)
def test_who_gets_what(app, accounts, world, role):
    client, token = _client(app, role, accounts)
    csrf = csrf_token(client, "/login")
    wrong = []
    for endpoint, method, rule in _routes(app):
        if endpoint in ("auth.logout", "auth.login") and method == "POST":
            continue  # signing in and out is everyone's, and would change the caller
        api = rule.startswith("/api/")
        url = _url(rule, world)
        if api:
            kwargs = {"headers": token}
            if method in ("POST", "PUT"):
                kwargs["json"] = world["bodies"].get((endpoint, method), {})
            if endpoint == "practices.PracticeById" and method == "PUT":
                kwargs["headers"] = {**token, "If-Match": f'"{world["practice_id"]}-r2"'}
        elif method == "POST" and endpoint == "submissions.upload":
            kwargs = {"data": {"csrf_token": csrf, "document": (io.BytesIO(b""), "e.txt")},
                      "content_type": "multipart/form-data"}
        else:
            kwargs = {"data": {"csrf_token": csrf}} if method == "POST" else {}
        response = client.open(url, method=method, **kwargs)
        assert response.status_code < 500, (endpoint, method, response.status_code)
        allowed = role in ACCESS[(endpoint, method)]
        if _denied(response, api) == allowed:
            wrong.append((endpoint, method, response.status_code))
        if api and role == "anonymous" and not allowed:
            assert response.status_code == 401, (endpoint, method)
        body = response.get_data(as_text=True)
        if role not in PERSONAL_DATA:
            assert not any(word in body for word in CONTACT), (endpoint, method)
    assert not wrong, f"{role}: {wrong}"


def test_contacts_reach_only_those_allowed_personal_data(app, accounts, world):
    for role in ROLES:
        client, token = _client(app, role, accounts)
        seen = any(word in client.get(f"/practices/{world['practice_id']}").get_data(
            as_text=True) for word in CONTACT)
        api_seen = any(word in client.get(f"/api/practices/{world['practice_id']}",
                                          headers=token).get_data(as_text=True)
                       for word in CONTACT)
        expected = role in PERSONAL_DATA
        assert (seen, api_seen) == (expected, expected), role
