"""Who calls the API: the account of the request's bearer token, or an anonymous reader.

The API never looks at the session cookie, so a page visited in the browser cannot be
turned into an API write by another site (and the API needs no CSRF token).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, request

from registry.app import get_registry
from registry.permissions import ANONYMOUS, Identity, require
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


def requires(action: str) -> Callable:
    """Check the caller may take ``action`` before anything else (arguments included), so a
    caller without the right gets 401/403, never a validation error about their body."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            require(api_identity(), action)
            return view(*args, **kwargs)

        return guarded

    return decorate
