"""``registry account ...``: accounts and API tokens from the server's command line.

The command line acts as the registry's administrator (``SYSTEM``): it makes the first admin
account, after which admins can make the others on the site.
"""

from __future__ import annotations

import json
import secrets

import click

from registry.app import get_registry
from registry.cli_group import ServiceGroup
from registry.permissions import ROLES, SYSTEM, Identity
from registry.services.accounts import AccountExists


@click.group(cls=ServiceGroup)
def account() -> None:
    """Accounts (submitter, moderator, juror, chair, admin) and their API tokens."""
    get_registry().init()


@account.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="", help="Shown on the site (the email by default).")
@click.option("--network", help="The network of a submitter or moderator.")
@click.option("--language", type=click.Choice(["en", "es", "fr"]), default="en",
              show_default=True)
@click.option("--password", "password_source", type=click.Choice(["prompt", "generate"]),
              default="prompt", show_default=True,
              help="Ask for the password, or make a random one and print it once.")
@click.option("--if-missing", is_flag=True, help="Do nothing if the account exists.")
def create(email: str, role: str, name: str, network: str | None, language: str,
           password_source: str, if_missing: bool) -> None:
    """Make an account."""
    if password_source == "generate":
        password = secrets.token_urlsafe(12)
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        made = get_registry().accounts.create(SYSTEM, email=email, name=name,
                                              password=password, role=role,
                                              network=network, language=language)
    except AccountExists:
        if if_missing:
            click.echo(f"account {email.strip().lower()} exists already")
            return
        raise
    click.echo(f"account {made.email} ({made.role}) made")
    if password_source == "generate":
        click.echo(f"password (shown once): {password}")


@account.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json: bool) -> None:
    """Every account."""
    accounts = get_registry().accounts.accounts(SYSTEM)
    if as_json:
        click.echo(json.dumps([a.__dict__ for a in accounts], ensure_ascii=False, indent=2))
        return
    for a in accounts:
        click.echo(f"{a.id:>4}  {a.email:<40} {a.role:<10} {a.network or ''}")


@account.command("token")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for.")
def token(email: str, name: str) -> None:
    """Make an API token for an account (printed once) for scripts and bulk submission."""
    secret, info = get_registry().accounts.create_token(_identity(email), name)
    click.echo(f"token {info['id']} for {email}: {secret}")


@account.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke an API token by its id (``registry account tokens EMAIL`` lists them)."""
    get_registry().accounts.revoke_token(SYSTEM, token_id)
    click.echo(f"token {token_id} revoked")


@account.command("tokens")
@click.argument("email")
def tokens(email: str) -> None:
    """An account's tokens: id, name, first characters, last use, state."""
    for t in get_registry().accounts.tokens(_identity(email)):
        state = "revoked" if t["revoked"] else "active"
        click.echo(f"{t['id']:>4}  {t['name']:<30} {t['prefix']}…  "
                   f"{t['last_used_at'] or 'never used':<32} {state}")


def _identity(email: str) -> Identity:
    found = get_registry().accounts.find(email)
    if found is None:
        raise click.ClickException(f"no account {email}")
    return found
