"""``/api/practices``: contract-v1 records, pages of them, and their revisions."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from registry.app import get_registry
from registry.schema import GoodPractice
from registry.services.practices import public_view

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
        return {"items": [public_view(r) for r in records], "total": total,
                "page": args["page"], "per_page": args["per_page"]}


@blp.route("/<practice_id>")
class PracticeById(MethodView):
    @blp.arguments(RevisionArgs, location="query")
    @blp.alt_response(200, schema=GoodPractice, success=True)
    def get(self, args: dict, practice_id: str) -> Response:
        """One record: the current revision, or an earlier one with ``?revision=N``.

        The stored record was validated when it was saved, so it is sent as stored (no second
        serialisation). Its ETag is the practice and revision; ``If-None-Match`` with the same
        tag gets 304 Not Modified.
        """
        record = public_view(get_registry().practices.get(practice_id, args.get("revision")))
        response = jsonify(record)
        response.set_etag(f"{record['id']}-r{record['revision']}")
        return response.make_conditional(request)


@blp.route("/<practice_id>/revisions")
class PracticeRevisions(MethodView):
    @blp.response(200, RevisionInfo(many=True))
    def get(self, practice_id: str) -> list[dict]:
        """Every stored revision of a practice, oldest first."""
        return get_registry().practices.revisions(practice_id)
