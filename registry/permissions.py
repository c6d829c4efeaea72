"""Who may do what: the roles, the actions each role may take, and the identity of a caller.

One table (``GRANTS``) decides every permission; services check it with ``require`` before
they write or reveal anything, so the web pages, the API and the CLI cannot disagree.
Anonymous readers have no account; the command line acts as ``SYSTEM`` (it runs on the
server, by whoever administers it).
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.errors import RegistryError

ROLES = ("submitter", "moderator", "juror", "chair", "admin")

#: action → roles allowed to take it.
GRANTS: dict[str, frozenset[str]] = {
    # a network's people submit practices; its moderators publish or return them
    "submit": frozenset({"submitter", "moderator", "admin"}),
    "moderate": frozenset({"moderator", "admin"}),
    # editing a published record directly (API PUT with If-Match)
    "edit_practice": frozenset({"moderator", "admin"}),
    # contacts that are not marked public (personal data)
    "read_contacts": frozenset({"moderator", "admin"}),
    # award juries
    "score": frozenset({"juror"}),
    "chair": frozenset({"chair", "admin"}),
    # accounts of other people
    "manage_accounts": frozenset({"admin"}),
}


class PermissionDenied(RegistryError):
    """The caller is known (or anonymous) and may not do this."""

    code = "forbidden"


class LoginRequired(RegistryError):
    """The action needs an account and the caller has not signed in."""

    code = "login_required"


@dataclass(frozen=True)
class Identity:
    """The caller of a service: an account, or nobody (an anonymous reader).

    It also speaks Flask-Login's user protocol, so the web session stores it directly.
    """

    id: int | None = None
    email: str | None = None
    name: str = ""
    role: str | None = None
    network: str | None = None
    language: str = "en"

    @property
    def is_authenticated(self) -> bool:
        return self.id is not None

    @property
    def is_anonymous(self) -> bool:
        return self.id is None

    @property
    def is_active(self) -> bool:
        return self.id is not None

    def get_id(self) -> str | None:
        return str(self.id) if self.id is not None else None

    def can(self, action: str) -> bool:
        return self.role in GRANTS[action]

    def moderates(self, network: str | None) -> bool:
        """A moderator moderates their own network; an admin every network."""
        return self.role == "admin" or (self.role == "moderator" and self.network == network)


ANONYMOUS = Identity()
SYSTEM = Identity(id=0, email="system", name="registry command line", role="admin")


def require(identity: Identity, action: str) -> None:
    """Raise unless ``identity`` may take ``action``: ``LoginRequired`` for nobody,
    ``PermissionDenied`` for an account whose role does not allow it."""
    if identity.can(action):
        return
    if identity.is_anonymous:
        raise LoginRequired(f"sign in (or send an API token) to {action.replace('_', ' ')}")
    raise PermissionDenied(f"a {identity.role} account may not {action.replace('_', ' ')}")
