"""Accounts, sign-in and API tokens.

Passwords are hashed with argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane:
~40 ms here, against ~300 ms for argon2-cffi's RFC 9106 profile, which uses 4 lanes on a
2-core server) and rehashed on sign-in when those parameters change. API tokens are random
256-bit secrets shown once; only their SHA-256 digest is stored (a fast hash is enough for
a random secret, and it lets a token be looked up by its digest), so a database leak reveals
no usable token.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.db import Database
from registry.errors import NotFound, RecordInvalid, RegistryError
from registry.models import Account, ApiToken, utcnow
from registry.permissions import ROLES, Identity, PermissionDenied, require

TOKEN_PREFIX = "gpr_"
MIN_PASSWORD_LENGTH = 10
#: How often a token's ``last_used_at`` is written (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
#: Verified against when the email is unknown, so a wrong email costs what a wrong password does.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class InvalidLogin(RegistryError):
    """Wrong email or password (which of the two is not said)."""

    code = "invalid_login"


class InvalidToken(RegistryError):
    """An API token that is unknown or revoked."""

    code = "invalid_token"


class AccountExists(RegistryError):
    code = "account_exists"


def identity_of(account: Account) -> Identity:
    return Identity(id=account.id, email=account.email, name=account.name, role=account.role,
                    network=account.network, language=account.language)


class AccountService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, identity: Identity, *, email: str, name: str, password: str, role: str,
               network: str | None = None, language: str = "en") -> Identity:
        """A new account; only an admin (or the command line) makes accounts."""
        require(identity, "manage_accounts")
        email = email.strip().lower()
        problems: dict[str, list[str]] = {}
        if not _EMAIL.match(email):
            problems["email"] = [f"{email!r} is not an email address"]
        if len(password) < MIN_PASSWORD_LENGTH:
            problems["password"] = [f"use at least {MIN_PASSWORD_LENGTH} characters"]
        if role not in ROLES:
            problems["role"] = [f"{role!r} is not one of {', '.join(ROLES)}"]
        if role in ("submitter", "moderator") and not network:
            problems["network"] = [f"a {role} belongs to a network: give its name"]
        if language not in ("en", "es", "fr"):
            problems["language"] = ["use en, es or fr"]
        if problems:
            raise RecordInvalid("; ".join(f"{k}: {v[0]}" for k, v in problems.items()),
                                fields=problems)
        account = Account(email=email, name=name.strip() or email, role=role,
                          network=network or None, language=language,
                          password_hash=_hasher.hash(password))
        try:
            with self.db.session() as session, session.begin():
                session.add(account)
        except IntegrityError as exc:
            raise AccountExists(f"an account for {email} exists already",
                                fields={"email": ["taken"]}) from exc
        return identity_of(account)

    def accounts(self, identity: Identity) -> list[Identity]:
        require(identity, "manage_accounts")
        with self.db.session() as session:
            return [identity_of(a) for a in session.scalars(select(Account).order_by(Account.id))]

    def authenticate(self, email: str, password: str) -> Identity:
        """The account for this email and password, or ``InvalidLogin``."""
        with self.db.session() as session, session.begin():
            account = session.scalar(select(Account).where(
                Account.email == email.strip().lower(), Account.active))
            try:
                _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
            except (VerificationError, InvalidHashError):
                account = None
            if account is None:
                raise InvalidLogin("wrong email or password")
            if _hasher.check_needs_rehash(account.password_hash):
                account.password_hash = _hasher.hash(password)
            return identity_of(account)

    def get(self, account_id: int) -> Identity | None:
        """The signed-in account of a session (None once it is deactivated or removed)."""
        with self.db.session() as session:
            account = session.get(Account, account_id)
            return identity_of(account) if account is not None and account.active else None

    def find(self, email: str) -> Identity | None:
        """The active account with this email, if there is one."""
        with self.db.session() as session:
            account = session.scalar(select(Account).where(
                Account.email == email.strip().lower(), Account.active))
            return identity_of(account) if account is not None else None

    # -- API tokens ----------------------------------------------------------------------------

    def create_token(self, identity: Identity, name: str) -> tuple[str, dict]:
        """A new token for the caller's own account: the secret (shown once) and its record."""
        if identity.is_anonymous:
            raise PermissionDenied("sign in to make an API token")
        name = name.strip()
        if not name:
            raise RecordInvalid("name the token (what it is for)", fields={"name": ["empty"]})
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(account_id=identity.id, name=name[:100], prefix=secret[:10],
                         token_hash=_digest(secret))
        with self.db.session() as session, session.begin():
            session.add(token)
        return secret, _token_info(token)

    def tokens(self, identity: Identity) -> list[dict]:
        with self.db.session() as session:
            rows = session.scalars(select(ApiToken).where(ApiToken.account_id == identity.id)
                                   .order_by(ApiToken.id))
            return [_token_info(t) for t in rows]

    def revoke_token(self, identity: Identity, token_id: int) -> dict:
        """Revoke one of the caller's tokens (an admin may revoke anyone's)."""
        with self.db.session() as session, session.begin():
            token = session.get(ApiToken, token_id)
            if token is None or (token.account_id != identity.id
                                 and not identity.can("manage_accounts")):
                raise NotFound(f"no token {token_id}")
            token.revoked_at = token.revoked_at or utcnow()
            return _token_info(token)

    def identity_for_token(self, secret: str) -> Identity:
        """The account a bearer token acts for, or ``InvalidToken``."""
        now = utcnow()
        with self.db.session() as session, session.begin():
            row = session.execute(
                select(ApiToken, Account).join(Account, Account.id == ApiToken.account_id)
                .where(ApiToken.token_hash == _digest(secret))).first()
            if row is None or row.ApiToken.revoked_at is not None or not row.Account.active:
                raise InvalidToken("the API token is unknown or revoked")
            last = row.ApiToken.last_used_at
            if last is None or now - _aware(last) > LAST_USED_RESOLUTION:
                row.ApiToken.last_used_at = now
            return identity_of(row.Account)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _aware(moment):
    """SQLite gives timestamps back without their zone; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def _token_info(token: ApiToken) -> dict:
    return {"id": token.id, "name": token.name, "prefix": token.prefix,
            "created_at": token.created_at.isoformat() if token.created_at else None,
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            "revoked": token.revoked_at is not None}
