"""Accounts: argon2id hashes, sign-in with CSRF and rate limits, API tokens hashed, revocable."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from registry.errors import NotFound, RecordInvalid
from registry.models import Account, ApiToken
from registry.permissions import ANONYMOUS, SYSTEM, PermissionDenied
from registry.services.accounts import AccountExists, InvalidLogin, InvalidToken
from tests.conftest import PASSWORD, csrf_token, login


def _count(registry, model) -> int:
    with registry.db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_passwords_are_stored_as_argon2id_hashes_only(app, accounts):
    registry = app.extensions["registry"]
    with registry.db.session() as session:
        hashes = session.scalars(select(Account.password_hash)).all()
    assert len(hashes) == len(accounts)
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)
    assert registry.accounts.authenticate("ADMIN@example.org ", PASSWORD).role == "admin"
    with pytest.raises(InvalidLogin, match="wrong email or password"):
        registry.accounts.authenticate("admin@example.org", PASSWORD + "x")
    with pytest.raises(InvalidLogin, match="wrong email or password"):
        registry.accounts.authenticate("nobody@example.org", PASSWORD)


@pytest.mark.parametrize(("fields", "field"), [
    (dict(email="not-an-email"), "email"),
    (dict(password="short"), "password"),
    (dict(role="emperor"), "role"),
    (dict(role="submitter", network=None), "network"),
    (dict(language="de"), "language"),
])
def test_bad_account_data_names_the_field_and_stores_nothing(registry, fields, field):
    data = dict(email="new@example.org", name="New", password=PASSWORD, role="juror")
    with pytest.raises(RecordInvalid) as caught:
        registry.accounts.create(SYSTEM, **{**data, **fields})
    assert field in caught.value.fields
    assert _count(registry, Account) == 0


def test_only_admins_make_accounts_and_emails_are_unique(registry):
    admin = registry.accounts.create(SYSTEM, email="a@example.org", name="A",
                                     password=PASSWORD, role="admin")
    chair = registry.accounts.create(admin, email="c@example.org", name="C",
                                     password=PASSWORD, role="chair")
    with pytest.raises(PermissionDenied):
        registry.accounts.create(chair, email="x@example.org", name="X", password=PASSWORD,
                                 role="admin")
    with pytest.raises(AccountExists):
        registry.accounts.create(admin, email="C@example.org", name="C2", password=PASSWORD,
                                 role="juror")
    assert _count(registry, Account) == 2


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(app, accounts):
    registry = app.extensions["registry"]
    submitter = accounts["submitter"]
    secret, info = registry.accounts.create_token(submitter, "bulk upload")
    assert secret.startswith("gpr_") and len(secret) > 40 and info["prefix"] == secret[:10]
    with registry.db.session() as session:
        stored = session.scalars(select(ApiToken)).one()
        assert stored.token_hash != secret and secret not in (stored.name, stored.prefix)
    assert registry.accounts.identity_for_token(secret).email == submitter.email

    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/submissions", headers=headers).status_code == 200
    with pytest.raises(NotFound):  # someone else's token is not theirs to revoke
        registry.accounts.revoke_token(accounts["juror"], info["id"])
    assert registry.accounts.revoke_token(submitter, info["id"])["revoked"] is True
    with pytest.raises(InvalidToken):
        registry.accounts.identity_for_token(secret)
    response = client.get("/api/submissions", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"
    assert client.get("/api/submissions", headers={"Authorization": "Basic abc"}
                      ).status_code == 401


def test_tokens_are_made_and_revoked_on_the_account_page(app, accounts):
    client = app.test_client()
    login(client, accounts["submitter"].email)
    page = client.post("/account", data={"name": "nightly upload",
                                         "csrf_token": csrf_token(client, "/account")})
    text = page.get_data(as_text=True)
    secret = text.split('id="new-token">')[1].split("<")[0]
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/submissions", headers=headers).status_code == 200
    token_id = app.extensions["registry"].accounts.tokens(accounts["submitter"])[0]["id"]
    client.post(f"/account/tokens/{token_id}/revoke",
                data={"csrf_token": csrf_token(client, "/account")})
    assert client.get("/api/submissions", headers=headers).status_code == 401
    assert secret not in client.get("/account").get_data(as_text=True)  # shown once


def test_sign_in_needs_the_forms_csrf_token(app, accounts):
    client = app.test_client()
    refused = client.post("/login", data={"email": accounts["admin"].email,
                                          "password": PASSWORD})
    assert refused.status_code == 400
    assert "not sent from this site" in refused.get_data(as_text=True)
    assert client.get("/admin/accounts").status_code == 302  # still signed out
    assert login(client, accounts["admin"].email).status_code == 302
    assert client.get("/admin/accounts").status_code == 200


def test_wrong_password_is_a_401_page_that_does_not_say_which_part_was_wrong(app, accounts):
    client = app.test_client()
    response = login(client, accounts["admin"].email, "wrong password!")
    assert response.status_code == 401
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_sign_in_attempts_are_rate_limited_per_account(app, accounts):
    client = app.test_client()
    for _ in range(5):
        assert login(client, accounts["chair"].email, "guess number n").status_code == 401
    blocked = login(client, accounts["chair"].email)  # even the right password now
    assert blocked.status_code == 429
    assert "Too many sign-in attempts" in blocked.get_data(as_text=True)
    assert login(client, accounts["juror"].email).status_code == 302  # another account


def test_sign_out_is_a_post_with_csrf(app, accounts):
    client = app.test_client()
    login(client, accounts["admin"].email)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert client.get("/account").status_code == 302


def test_redirect_after_sign_in_stays_on_this_site(app, accounts):
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post("/login?next=//evil.example/x", data={
        "email": accounts["admin"].email, "password": PASSWORD, "csrf_token": token})
    assert response.location == "/"


def test_admin_makes_accounts_on_the_site(app, accounts):
    client = app.test_client()
    login(client, accounts["admin"].email)
    token = csrf_token(client, "/admin/accounts")
    bad = client.post("/admin/accounts", data={
        "email": "new@relaf.example", "name": "New", "role": "submitter", "network": "",
        "language": "es", "password": PASSWORD, "csrf_token": token})
    assert bad.status_code == 422 and "belongs to a network" in bad.get_data(as_text=True)
    client.post("/admin/accounts", data={
        "email": "new@relaf.example", "name": "New", "role": "submitter", "network": "relaf",
        "language": "es", "password": PASSWORD, "csrf_token": token})
    made = app.extensions["registry"].accounts.find("new@relaf.example")
    assert made.network == "relaf" and made.language == "es"


def test_anonymous_identity_can_do_nothing_but_read():
    from registry.permissions import GRANTS

    assert not any(ANONYMOUS.can(action) for action in GRANTS)


def test_account_commands(cli_env, runner):
    from registry.cli import main

    made = runner.invoke(main, ["account", "create", "Admin@Example.org", "--role", "admin",
                                "--password", "generate"])
    assert made.exit_code == 0, made.output
    password = made.output.split("password (shown once): ")[1].strip()
    again = runner.invoke(main, ["account", "create", "admin@example.org", "--role", "admin",
                                 "--password", "generate", "--if-missing"])
    assert again.exit_code == 0 and "exists already" in again.output
    taken = runner.invoke(main, ["account", "create", "admin@example.org", "--role", "admin",
                                 "--password", "generate"])
    assert taken.exit_code == 1 and "an account for admin@example.org exists" in taken.output
    no_network = runner.invoke(main, ["account", "create", "s@example.org", "--role",
                                      "submitter", "--password", "generate"])
    assert no_network.exit_code == 1 and "belongs to a network" in no_network.output

    token = runner.invoke(main, ["account", "token", "admin@example.org", "--name", "ci"])
    secret = token.output.rsplit(": ", 1)[1].strip()
    listed = runner.invoke(main, ["account", "tokens", "admin@example.org"])
    assert "ci" in listed.output and "active" in listed.output and secret not in listed.output
    token_id = listed.output.split()[0]
    assert runner.invoke(main, ["account", "revoke", token_id]).exit_code == 0
    assert "revoked" in runner.invoke(main, ["account", "tokens", "admin@example.org"]).output
    assert runner.invoke(main, ["account", "token", "nobody@example.org", "--name", "x"]
                         ).exit_code == 1

    from registry.app import create_app

    app = create_app()
    with app.app_context():
        registry = app.extensions["registry"]
        assert registry.accounts.authenticate("admin@example.org", password).role == "admin"
        with pytest.raises(InvalidToken):
            registry.accounts.identity_for_token(secret)
        registry.close()
