"""``/api/search``: full-text search with field filters."""

from __future__ import annotations

from dataclasses import asdict

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from registry.app import get_registry

blp = Blueprint("search", __name__, url_prefix="/api/search", description="Search practices")


class SearchArgs(Schema):
    q = fields.String(load_default="")
    country = fields.List(fields.String(), load_default=list)
    tag = fields.List(fields.String(), load_default=list)
    format = fields.List(fields.String(), load_default=list)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class HitSchema(Schema):
    id = fields.String()
    title = fields.String()
    score = fields.Float()


class SearchResultsSchema(Schema):
    query = fields.String()
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    hits = fields.List(fields.Nested(HitSchema))


@blp.route("")
class Search(MethodView):
    @blp.arguments(SearchArgs, location="query")
    @blp.response(200, SearchResultsSchema)
    def get(self, args: dict) -> dict:
        """Practices matching ``q``, filtered by country, tag (``scheme:code``) and format."""
        filters = {k: args[k] for k in ("country", "tag", "format")}
        results = get_registry().search.query(
            args["q"], filters=filters, page=args["page"], per_page=args["per_page"])
        return asdict(results)
