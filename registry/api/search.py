"""``/api/search``: multilingual full-text search with filters, facet counts and paging.

Filters are query parameters named after the facets (``country=MX&country=CO`` means either,
two facets mean both); a plugin's facet is filtered with ``filter=name:value``.
"""

from __future__ import annotations

from dataclasses import asdict

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from registry.app import get_registry
from registry.search import SORTS, SearchArgumentError
from registry.search.engine import MAX_PER_PAGE
from registry.search.facets import BUILT_IN_FACETS, TAG_FILTER

blp = Blueprint("search", __name__, url_prefix="/api/search",
                description="Search practices in any language")

#: The facets (and ``tag``) filtered by a query parameter of their own name.
FILTER_NAMES = {f.name: f.label for f in (*BUILT_IN_FACETS, TAG_FILTER)}


SearchArgs = Schema.from_dict({
    "q": fields.String(load_default="", metadata={"description": "words in any language"}),
    "sort": fields.String(load_default="relevance", validate=validate.OneOf(SORTS)),
    "page": fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000)),
    "per_page": fields.Integer(load_default=20,
                               validate=validate.Range(min=1, max=MAX_PER_PAGE)),
    "year_from": fields.Integer(metadata={"description": "started in or after this year"}),
    "year_to": fields.Integer(metadata={"description": "started in or before this year"}),
    "facets": fields.List(fields.String(), metadata={
        "description": "facets to count (default: all); `none` for none"}),
    "filter": fields.List(fields.String(validate=validate.Regexp(r"^\w+:.+$")),
                          load_default=list,
                          metadata={"description": "`name:value` for any facet, plugins' too"}),
    **{name: fields.List(fields.String(), load_default=list,
                         metadata={"description": f"{label}: any of these values"})
       for name, label in FILTER_NAMES.items()},
}, name="SearchArgs")


class HitSchema(Schema):
    id = fields.String()
    title = fields.String()
    score = fields.Float()
    snippet = fields.String(metadata={"description": "HTML: escaped text, matches in <mark>"})


class FacetValueSchema(Schema):
    value = fields.String()
    count = fields.Integer()


class SearchResultsSchema(Schema):
    query = fields.String()
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()
    sort = fields.String()
    hits = fields.List(fields.Nested(HitSchema))
    facets = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(FacetValueSchema)))
    suggestion = fields.String(allow_none=True)
    relaxed = fields.Boolean()
    concepts = fields.List(fields.String())


class SimilarArgs(Schema):
    limit = fields.Integer(load_default=5, validate=validate.Range(min=1, max=20))


class SimilarSchema(Schema):
    id = fields.String()
    hits = fields.List(fields.Nested(HitSchema))


@blp.route("")
class Search(MethodView):
    @blp.arguments(SearchArgs, location="query")
    @blp.response(200, SearchResultsSchema)
    def get(self, args: dict) -> dict:
        """Practices matching ``q`` in any language, with facet counts over all of them.

        When nothing matches, ``suggestion`` may offer a corrected query and the hits match
        some of the words (``relaxed``).
        """
        index = get_registry().search
        filters = {name: args[name] for name in FILTER_NAMES if args[name]}
        for item in args["filter"]:
            name, _, value = item.partition(":")
            filters.setdefault(name, []).append(value)
        wanted = args.get("facets")
        facets = index.facet_names if wanted is None else [n for n in wanted if n != "none"]
        years = (args.get("year_from"), args.get("year_to"))
        try:
            results = index.query(args["q"], filters=filters, page=args["page"],
                                  per_page=args["per_page"], sort=args["sort"], facets=facets,
                                  years=years)
        except SearchArgumentError as exc:
            abort(422, messages={"query": {exc.argument: [str(exc)]}})
        return results.to_json()


@blp.route("/similar/<practice_id>")
class Similar(MethodView):
    @blp.arguments(SimilarArgs, location="query")
    @blp.response(200, SimilarSchema)
    def get(self, args: dict, practice_id: str) -> dict:
        """Practices like this one, in any language (shared concepts and distinctive words)."""
        registry = get_registry()
        registry.practices.get(practice_id)  # a 404 envelope for an unknown practice
        hits = registry.search.similar(practice_id, limit=args["limit"])
        return {"id": practice_id, "hits": [asdict(h) for h in hits]}
