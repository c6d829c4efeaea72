"""Server-rendered pages: the list of practices and one practice."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext

from registry.app import get_registry
from registry.charts import comparison_bars, kpi_series, peer_distribution
from registry.errors import NotFound, RegistryError
from registry.metrics import MetricContext
from registry.plugins import describe_plugins
from registry.schema import missing_fields
from registry.search import SORTS
from registry.services.practices import view_for
from registry.web.auth import current_identity
from registry.web.i18n import interface_language

web = Blueprint("web", __name__, template_folder="templates", static_folder="static",
                static_url_path="/static")

PER_PAGE = 20

#: The interface names of the built-in facets (a plugin's facet keeps the label it gives).
FACET_LABELS = {
    "country": lazy_gettext("Country"), "level": lazy_gettext("Region level"),
    "vd_tag": lazy_gettext("Venice Declaration tag"), "sdg_goal": lazy_gettext("SDG goal"),
    "sdg_declared": lazy_gettext("SDG goal declared"),
    "sdg_inferred": lazy_gettext("SDG goal inferred"),
    "target_group": lazy_gettext("Target group"), "practice_type": lazy_gettext("Practice type"),
    "status": lazy_gettext("Status"), "year": lazy_gettext("Start year"),
    "format": lazy_gettext("Source format"), "kpis": lazy_gettext("Has KPIs"),
    "award": lazy_gettext("Award"), "language": lazy_gettext("Language"),
}

#: The interface names of the contract's coded values, search sorts and award phases; a value
#: not listed shows as it is, underscores as spaces.
TERMS = {
    # practice types and statuses
    "policy": lazy_gettext("policy"), "programme": lazy_gettext("programme"),
    "project": lazy_gettext("project"), "service": lazy_gettext("service"),
    "technical_cooperation": lazy_gettext("technical cooperation"),
    "event": lazy_gettext("event"), "other": lazy_gettext("other"),
    "planned": lazy_gettext("planned"), "ongoing": lazy_gettext("ongoing"),
    "completed": lazy_gettext("completed"), "unknown": lazy_gettext("unknown"),
    # jurisdiction levels
    "region": lazy_gettext("region"), "municipality": lazy_gettext("municipality"),
    # yes / no facets
    "yes": lazy_gettext("yes"), "no": lazy_gettext("no"),
    # search sorts
    "relevance": lazy_gettext("relevance"), "date": lazy_gettext("date"),
    "title": lazy_gettext("title"),
    # award phases and assignment statuses
    "open": lazy_gettext("open"), "scoring": lazy_gettext("scoring"),
    "closed": lazy_gettext("closed"), "published": lazy_gettext("published"),
    "not_started": lazy_gettext("not started"), "draft": lazy_gettext("draft"),
    "submitted": lazy_gettext("submitted"),
    "same_country": lazy_gettext("same country"),
    "same_organisation": lazy_gettext("same organisation"), "declared": lazy_gettext("declared"),
}


@web.app_template_filter("term")
def term(value: str | None) -> str:
    """A coded value in the interface language."""
    if value is None:
        return ""
    label = TERMS.get(str(value))
    return str(label) if label is not None else str(value).replace("_", " ")


@web.app_template_filter("language_name")
def language_name(code: str) -> str:
    """A language's name in the interface language ("es" → "Spanish", "espagnol"...)."""
    try:
        return Locale.parse(code).get_display_name(interface_language()) or code
    except (ValueError, UnknownLocaleError):
        return code


@web.app_template_filter("text")
def localized(text: dict | None, language: str | None = None) -> str:
    """A LocalizedText in the wanted language, else the first one there is."""
    if not text:
        return ""
    return text.get(language or "", "") or next(iter(text.values()), "")


@web.get("/")
def practice_list():
    """The practices, newest first; a query in any language and facet links narrow them."""
    registry = get_registry()
    index = registry.search
    args = request.args
    page = max(args.get("page", 1, type=int), 1)
    query = args.get("q", "").strip()
    sort = args.get("sort") if args.get("sort") in SORTS else "relevance"
    filters = {name: args.getlist(name) for name in index.facet_names if args.getlist(name)}
    results = index.query(query, filters=filters, page=page, per_page=PER_PAGE, sort=sort,
                          facets=index.facet_names)
    records = registry.practices.get_many([hit.id for hit in results.hits])

    def link(**changes) -> str:
        params = {**{k: args.getlist(k) for k in args}, **changes}
        return url_for("web.practice_list", **{k: v for k, v in params.items() if v})

    def toggle(name: str, value: str) -> str:
        chosen = filters.get(name, [])
        values = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
        return link(**{name: values, "page": None})

    home = None
    if not query and not filters and page == 1:  # the home page: counts and the latest
        latest, _ = registry.practices.list(per_page=5)
        home = {"latest": latest,
                "countries": len(results.facets.get("country", [])),
                "languages": len(results.facets.get("language", []))}
    return render_template(
        "list.html", results=results, records=records, query=query, filters=filters, home=home,
        sort=sort, sorts=SORTS, page=page, link=link, toggle=toggle,
        pages=max((results.total + PER_PAGE - 1) // PER_PAGE, 1),
        labels={f.name: FACET_LABELS.get(f.name, f.label) for f in index.facets})


@web.get("/practices/<practice_id>")
def practice_page(practice_id: str):
    registry = get_registry()
    try:
        record = registry.practices.get(practice_id, request.args.get("revision", type=int))
        revisions = registry.practices.revisions(practice_id)
    except NotFound:
        abort(404)
    metrics = [row for row in registry.comparisons.metric_rows(record)
               if row["value"] is not None]
    return render_template("practice.html", record=view_for(current_identity(), record),
                           revisions=revisions, missing=missing_fields(record),
                           metrics=metrics, similar=registry.search.similar(practice_id),
                           translations=translated_languages(record))


def translated_languages(record: dict) -> list[str]:
    """The languages the record's texts exist in besides its own, e.g. ``["en"]``."""
    texts = [record.get("title"), record.get("summary"), record.get("description")]
    found = {language for text in texts if text for language, value in text.items() if value}
    return sorted(found - {record["language"]})


@web.get("/api/docs")
def api_docs():
    """The API's OpenAPI document as a page: every operation, its parameters, body, answers
    and whether it needs a token. Server-rendered, so it reads offline and without JavaScript."""
    spec = current_app.extensions["registry_api"].spec.to_dict()
    operations = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method == "parameters":
                continue
            body = (operation.get("requestBody") or {}).get("content", {})
            operations.append({
                "method": method.upper(), "path": path, "tag": (operation.get("tags") or [""])[0],
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [*shared, *operation.get("parameters", [])],
                "body": {kind: _schema_name(content.get("schema", {}))
                         for kind, content in body.items()},
                "responses": {code: _schema_name(((answer.get("content") or {}).get(
                    "application/json") or {}).get("schema", {})) or answer.get(
                    "description") or answer.get("$ref", "").rsplit("/", 1)[-1]
                    for code, answer in operation.get("responses", {}).items()},
                "token": bool(operation.get("security"))})
    return render_template("api_docs.html", spec=spec, operations=operations,
                           schemas=sorted(spec["components"]["schemas"]))


def _schema_name(schema: dict) -> str:
    ref = schema.get("$ref") or (schema.get("items") or {}).get("$ref", "")
    name = ref.rsplit("/", 1)[-1]
    return f"list of {name}" if name and schema.get("type") == "array" else name


@web.get("/plugins")
def plugins_page():
    """The loaded plugins: what each adds (hooks), its package and version, and failures."""
    return render_template("plugins.html", plugins=describe_plugins(get_registry().pm))


@web.get("/practices/<practice_id>/changes")
def practice_changes(practice_id: str):
    """What changed between two revisions (by default, the current one and the one before)."""
    practices = get_registry().practices
    try:
        revisions = practices.revisions(practice_id)
        new = request.args.get("to", revisions[-1]["number"], type=int)
        old = request.args.get("from", new - 1, type=int)
        if not 1 <= old < new <= revisions[-1]["number"]:
            abort(404)
        record = view_for(current_identity(), practices.get(practice_id, new))
        changes = practices.changes(practice_id, old, new)
    except NotFound:
        abort(404)
    if not current_identity().can("read_contacts"):
        changes = [c for c in changes if not c["path"].startswith(("/contacts",
                                                                   "/provenance/raw"))]
    return render_template("changes.html", record=record, changes=changes, old=old, new=new,
                           revisions=revisions)


def _money_context() -> MetricContext:
    currency = (request.args.get("base_currency") or "").upper() or None
    year = request.args.get("base_year", type=int) if currency else None
    try:
        return MetricContext(base_currency=currency, base_year=year,
                             basis=request.args.get("basis", "market"))
    except ValueError:
        abort(400)


@web.get("/compare")
def compare_page():
    ids = [i for i in request.args.getlist("ids") if i]
    registry = get_registry()
    comparison = error = None
    if ids:
        try:
            comparison = registry.comparisons.compare(ids, _money_context(),
                                                      language=interface_language())
        except RegistryError as exc:
            error = exc.message
    records, _ = registry.practices.list(per_page=100)
    return render_template("compare.html", comparison=comparison, error=error, ids=ids,
                           choices=records, query_string=request.query_string.decode())


@web.get("/charts/compare.svg")
def compare_chart():
    try:
        comparison = get_registry().comparisons.compare(
            request.args.getlist("ids"), _money_context(), language=interface_language())
    except RegistryError:
        abort(404)
    metric_id = request.args.get("metric", "cost_per_beneficiary")
    metric = next((m for m in comparison.metrics if m["id"] == metric_id), None)
    if metric is None:
        abort(404)
    values = [comparison.values[r["id"]][metric_id] for r in comparison.records]
    svg = comparison_bars([next(iter(r["title"].values())) for r in comparison.records],
                          [v["value"] for v in values], metric["label"],
                          next((v["unit"] for v in values if v["unit"]), ""))
    return Response(svg, mimetype="image/svg+xml")


@web.get("/charts/kpi/<practice_id>.svg")
def kpi_chart(practice_id: str):
    try:
        record = get_registry().practices.get(practice_id)
    except NotFound:
        abort(404)
    return Response(kpi_series(record), mimetype="image/svg+xml")


@web.get("/charts/peers/<practice_id>/<metric_id>.svg")
def peer_chart(practice_id: str, metric_id: str):
    registry = get_registry()
    try:
        peers = registry.comparisons.peers(practice_id, request.args.get("place", "anywhere"),
                                           _money_context())
    except NotFound:
        abort(404)
    rank = peers["ranks"].get(metric_id)
    if rank is None or rank["value"]["value"] is None:
        abort(404)
    values = [p["metrics"][metric_id] for p in peers["peers"]]
    unit = rank["value"]["unit"]
    return Response(peer_distribution([v["value"] for v in values
                                       if v["value"] is not None and v["unit"] == unit],
                                      rank["value"]["value"], metric_id, unit),
                    mimetype="image/svg+xml")
