"""Who calls the API: the account of the request's bearer token, or an anonymous reader.

The API never looks at the session cookie, so a page visited in the browser cannot be
turned into an API write by another site (and the API needs no CSRF token).
"""

from __future__ import annotations

from flask import g, request

from registry.app import get_registry
from registry.permissions import ANONYMOUS, Identity
from registry.services.accounts import InvalidToken

#: The security requirement of endpoints that need a token, for the OpenAPI document.
BEARER = [{"bearerAuth": []}]


def api_identity() -> Identity:
    """The caller; a malformed, unknown or revoked token is ``InvalidToken`` (401)."""
    if "api_identity" not in g:
        header = request.headers.get("Authorization", "")
        if not header:
            g.api_identity = ANONYMOUS
        else:
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                raise InvalidToken("send the token as 'Authorization: Bearer TOKEN'")
            g.api_identity = get_registry().accounts.identity_for_token(secret.strip())
    return g.api_identity
