"""The JSON API (flask-smorest): OpenAPI 3 at ``/api/openapi.json``, one error envelope."""

from __future__ import annotations

from flask import Flask, jsonify
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from registry.assignment import AssignmentImpossible
from registry.errors import InUse, NotFound, RecordInvalid, RegistryError, StaleVersion
from registry.scoring import ScoresInvalid
from registry.services.awards import (
    AlreadyExists,
    AlreadyScored,
    ConflictOfInterest,
    NotAssigned,
    PhaseError,
)

STATUS_BY_ERROR: dict[type[RegistryError], int] = {
    NotFound: 404, RecordInvalid: 422, StaleVersion: 409, InUse: 409,
    ScoresInvalid: 422, PhaseError: 409, ConflictOfInterest: 409, AlreadyExists: 409,
    AssignmentImpossible: 422, NotAssigned: 403, AlreadyScored: 409,
}


def error_envelope(code: str, message: str, fields: dict | None = None, status: int = 400):
    """The one shape of every API error: ``{"error": {"code", "message", "fields"}}``."""
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    return response


class RegistryApi(Api):
    """flask-smorest's Api with its HTTP errors rendered in the registry's envelope."""

    def handle_http_exception(self, error: HTTPException):
        messages = (getattr(error, "data", None) or {}).get("messages", {})
        fields = {name: reasons for location in messages.values()
                  for name, reasons in location.items()} if messages else {}
        code = (error.name or "error").lower().replace(" ", "_")
        return error_envelope(code, error.description or error.name, fields, error.code or 500)


def register_api(app: Flask) -> None:
    from registry.api.awards import blp as awards
    from registry.api.compare import blp as compare
    from registry.api.practices import blp as practices
    from registry.api.sdg import blp as sdg
    from registry.api.search import blp as search

    app.config.update(
        API_TITLE="Good-practice registry API",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = RegistryApi(app)
    api.register_blueprint(practices)
    api.register_blueprint(search)
    api.register_blueprint(compare)
    api.register_blueprint(awards)
    api.register_blueprint(sdg)

    @app.errorhandler(RegistryError)
    def _registry_error(error: RegistryError):
        return error_envelope(error.code, error.message, error.fields,
                              STATUS_BY_ERROR.get(type(error), 400))
