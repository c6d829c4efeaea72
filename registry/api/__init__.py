"""The JSON API (flask-smorest): OpenAPI 3 at ``/api/openapi.json``, one error envelope."""

from __future__ import annotations

from flask import Flask, jsonify, request
from flask_smorest import Api, Blueprint
from werkzeug.exceptions import HTTPException

from registry.assignment import AssignmentImpossible
from registry.errors import (
    DocumentRejected,
    InUse,
    NotFound,
    RecordInvalid,
    RegistryError,
    StaleVersion,
)
from registry.permissions import LoginRequired, PermissionDenied
from registry.schema import flatten_errors
from registry.scoring import ScoresInvalid
from registry.services.accounts import AccountExists, InvalidLogin, InvalidToken
from registry.services.awards import (
    AlreadyExists,
    AlreadyScored,
    ConflictOfInterest,
    NotAssigned,
    PhaseError,
)
from registry.services.submissions import WrongState
from registry.web.problems import problem_page

STATUS_BY_ERROR: dict[type[RegistryError], int] = {
    NotFound: 404, RecordInvalid: 422, StaleVersion: 409, InUse: 409,
    ScoresInvalid: 422, PhaseError: 409, ConflictOfInterest: 409, AlreadyExists: 409,
    AssignmentImpossible: 422, NotAssigned: 403, AlreadyScored: 409,
    LoginRequired: 401, InvalidToken: 401, InvalidLogin: 401, PermissionDenied: 403,
    AccountExists: 409, WrongState: 409, DocumentRejected: 422,
}


def error_envelope(code: str, message: str, fields: dict | None = None, status: int = 400,
                   **details):
    """The one shape of every API error: ``{"error": {"code", "message", "fields"}}``, plus
    what the error adds (``changes`` of a stale write)."""
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {},
                                  **details}})
    response.status_code = status
    return response


class RegistryApi(Api):
    """flask-smorest's Api with its HTTP errors rendered in the registry's envelope."""

    def handle_http_exception(self, error: HTTPException):
        """flask-smorest handles every HTTP error of the app: API paths get the envelope,
        pages get a page in the reader's language."""
        if not request.path.startswith("/api/"):
            return problem_page(error)
        messages = (getattr(error, "data", None) or {}).get("messages", {})
        fields = {path: reasons for location in messages.values()  # "kpis.0.observations.1.value"
                  for path, reasons in flatten_errors(location).items()} if messages else {}
        code = (error.name or "error").lower().replace(" ", "_")
        return error_envelope(code, error.description or error.name, fields, error.code or 500)


def register_api(app: Flask) -> list[Blueprint]:
    from registry.api.awards import blp as awards
    from registry.api.compare import blp as compare
    from registry.api.practices import blp as practices
    from registry.api.sdg import blp as sdg
    from registry.api.search import blp as search
    from registry.api.submissions import blp as submissions

    app.config.update(
        API_TITLE="Good-practice registry API",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = RegistryApi(app)
    app.extensions["registry_api"] = api  # the page /api/docs renders its spec
    blueprints = [practices, search, compare, awards, sdg, submissions]
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer",
                       "description": "an API token made on the account page"})

    @app.errorhandler(RegistryError)
    def _registry_error(error: RegistryError):
        extra = {"changes": error.changes} if getattr(error, "changes", None) else {}
        return error_envelope(error.code, error.message, error.fields,
                              STATUS_BY_ERROR.get(type(error), 400), **extra)

    return blueprints
