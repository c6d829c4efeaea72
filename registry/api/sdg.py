"""``POST /api/sdg/map``: SDG goals and targets for a text, with confidence and evidence."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from registry.app import get_registry
from registry.schema import Tag

blp = Blueprint("sdg", __name__, url_prefix="/api/sdg", description="SDG mapping")

MAX_TEXT = 100_000


class MapRequest(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))
    lang = fields.String(validate=validate.OneOf(["en", "es", "fr", "pt"]))


class MapResponse(Schema):
    goals = fields.List(fields.Nested(Tag))
    targets = fields.List(fields.Nested(Tag))


@blp.route("/map")
class SdgMap(MethodView):
    @blp.arguments(MapRequest)
    @blp.response(200, MapResponse)
    def post(self, body: dict) -> dict:
        """Map a text; the labels come in ``lang`` (English when not given)."""
        tags = get_registry().practices.derive_tags_for_text(body["text"], body.get("lang"))
        return {"goals": [t for t in tags if t["scheme"] == "sdg_goal"],
                "targets": [t for t in tags if t["scheme"] == "sdg_target"]}
