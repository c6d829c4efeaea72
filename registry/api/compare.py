"""``/api/compare``, peers and ``/api/plugins``: comparisons and what the registry has loaded."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from registry.app import get_registry
from registry.errors import RecordInvalid
from registry.metrics import MetricContext
from registry.plugins import describe_plugins

blp = Blueprint("compare", __name__, url_prefix="/api", description="Comparisons and plugins")


class MoneyArgs(Schema):
    base_currency = fields.String(validate=validate.Regexp(r"^[A-Z]{3}$"))
    base_year = fields.Integer(validate=validate.Range(min=1990, max=2100))
    basis = fields.String(load_default="market", validate=validate.OneOf(["market", "ppp"]))
    lang = fields.String(load_default="en", validate=validate.OneOf(["en", "es", "fr"]))


class CompareArgs(MoneyArgs):
    ids = fields.List(fields.String(), required=True, validate=validate.Length(min=2, max=10))


class PeerArgs(MoneyArgs):
    place = fields.String(load_default="country_or_band", validate=validate.OneOf(
        ["country", "population_band", "country_or_band", "anywhere"]))


class PluginSchema(Schema):
    name = fields.String()
    package = fields.String(allow_none=True)
    version = fields.String(allow_none=True)
    hooks = fields.List(fields.String())
    error = fields.String()


def metric_context(args: dict) -> MetricContext:
    try:
        return MetricContext(base_currency=args.get("base_currency"),
                             base_year=args.get("base_year"), basis=args["basis"])
    except ValueError as exc:
        raise RecordInvalid(str(exc), fields={"base_year": [str(exc)]}) from exc


@blp.route("/compare")
class Compare(MethodView):
    @blp.arguments(CompareArgs, location="query")
    @blp.response(200)
    def get(self, args: dict) -> dict:
        """Practices side by side with metrics, derivations and caveats (``ids`` repeated)."""
        comparison = get_registry().comparisons.compare(args["ids"], metric_context(args),
                                                        args["lang"])
        return comparison.as_dict()


@blp.route("/practices/<practice_id>/peers")
class Peers(MethodView):
    @blp.arguments(PeerArgs, location="query")
    @blp.response(200)
    def get(self, args: dict, practice_id: str) -> dict:
        """The practice's peer group and its percentile within it for each metric."""
        return get_registry().comparisons.peers(practice_id, args["place"], metric_context(args))


@blp.route("/plugins")
class Plugins(MethodView):
    @blp.response(200, PluginSchema(many=True))
    def get(self) -> list[dict]:
        """Loaded plugins with package, version and hooks; failed ones with their error."""
        return describe_plugins(get_registry().pm)
