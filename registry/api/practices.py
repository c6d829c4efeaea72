"""``/api/practices``: contract-v1 records, pages of them, and their revisions."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from registry.api.identity import BEARER, api_identity, requires
from registry.app import get_registry
from registry.schema import GoodPractice
from registry.services.practices import view_for

blp = Blueprint("practices", __name__, url_prefix="/api/practices",
                description="Good-practice records (contract v1)")


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    country = fields.String(validate=validate.Length(equal=2))


class PracticePage(Schema):
    items = fields.List(fields.Nested(GoodPractice))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class RevisionArgs(Schema):
    revision = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class EditedRecord(GoodPractice):
    """A record sent back to be saved: the ``revision`` it was read at may stay in it and is
    ignored (``If-Match`` says which revision the edit is based on)."""

    revision = fields.Integer(metadata={"description": "ignored on input"})


class RevisionInfo(Schema):
    number = fields.Integer()
    reason = fields.String()
    created_at = fields.String()
    content_hash = fields.String()


@blp.route("")
class Practices(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, PracticePage)
    def get(self, args: dict) -> dict:
        """Current records, newest first."""
        records, total = get_registry().practices.list(
            page=args["page"], per_page=args["per_page"], country=args.get("country"))
        identity = api_identity()
        return {"items": [view_for(identity, r) for r in records], "total": total,
                "page": args["page"], "per_page": args["per_page"]}


@blp.route("/<practice_id>")
class PracticeById(MethodView):
    @blp.arguments(RevisionArgs, location="query")
    @blp.alt_response(200, schema=GoodPractice, success=True)
    def get(self, args: dict, practice_id: str) -> Response:
        """One record: the current revision, or an earlier one with ``?revision=N``.

        The stored record was validated when it was saved, so it is sent as stored (no second
        serialisation). Its ETag is the practice and revision; ``If-None-Match`` with the same
        tag gets 304 Not Modified. Contacts not marked public are left out unless the token's
        account may read personal data.
        """
        record = view_for(api_identity(), get_registry().practices.get(
            practice_id, args.get("revision")))
        return _tagged(record).make_conditional(request)

    @requires("edit_practice")
    @blp.arguments(EditedRecord)
    @blp.alt_response(200, schema=GoodPractice, success=True)
    @blp.doc(security=BEARER, parameters=[{
        "in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
        "description": "the ETag of the revision the edit is based on"}])
    def put(self, record: dict, practice_id: str) -> Response:
        """Edit a record (moderators and admins): a new revision, based on the one in If-Match.

        Without ``If-Match`` the edit is refused (428); if the practice moved on since that
        revision, 409 with ``changes``: what changed since, as JSON Patch operations.
        """
        identity = api_identity()
        base = _revision_in(request.if_match, practice_id)
        outcome = get_registry().practices.update(practice_id, record, expected_version=base)
        return _tagged(view_for(identity, outcome.record))


def _tagged(record: dict) -> Response:
    response = jsonify(record)
    response.set_etag(f"{record['id']}-r{record['revision']}")
    return response


def _revision_in(if_match, practice_id: str) -> int:
    """The revision number named by an ``If-Match`` ETag of this practice."""
    tags = list(if_match.as_set()) if if_match else []
    if not tags:
        abort(428, message="send If-Match with the ETag of the revision you edited "
                           "(GET the record first)")
    prefix = f"{practice_id}-r"
    if len(tags) != 1 or not tags[0].startswith(prefix) or not tags[0][len(prefix):].isdigit():
        abort(412, message=f"If-Match must be one ETag of this practice, like "
                           f'"{prefix}3"')
    return int(tags[0][len(prefix):])


@blp.route("/<practice_id>/revisions")
class PracticeRevisions(MethodView):
    @blp.response(200, RevisionInfo(many=True))
    def get(self, practice_id: str) -> list[dict]:
        """Every stored revision of a practice, oldest first."""
        return get_registry().practices.revisions(practice_id)
