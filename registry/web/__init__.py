"""Server-rendered pages: the list of practices and one practice."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from registry.app import get_registry
from registry.errors import NotFound
from registry.schema import missing_fields
from registry.services.practices import public_view

web = Blueprint("web", __name__, template_folder="templates", static_folder="static",
                static_url_path="/static")

PER_PAGE = 20


@web.app_template_filter("text")
def localized(text: dict | None, language: str | None = None) -> str:
    """A LocalizedText in the wanted language, else the first one there is."""
    if not text:
        return ""
    return text.get(language or "", "") or next(iter(text.values()), "")


@web.get("/")
def practice_list():
    page = max(request.args.get("page", 1, type=int), 1)
    query = request.args.get("q", "").strip()
    registry = get_registry()
    if query:
        results = registry.search.query(query, page=page, per_page=PER_PAGE)
        records = [registry.practices.get(hit.id) for hit in results.hits]
        total = results.total
    else:
        records, total = registry.practices.list(page=page, per_page=PER_PAGE)
    return render_template("list.html", records=records, total=total, page=page,
                           pages=max((total + PER_PAGE - 1) // PER_PAGE, 1), query=query)


@web.get("/practices/<practice_id>")
def practice_page(practice_id: str):
    registry = get_registry()
    try:
        record = registry.practices.get(practice_id, request.args.get("revision", type=int))
        revisions = registry.practices.revisions(practice_id)
    except NotFound:
        abort(404)
    return render_template("practice.html", record=public_view(record), revisions=revisions,
                           missing=missing_fields(record))
