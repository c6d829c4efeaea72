"""The home page: counts, the latest practices; the plugin page and the API docs page."""

from __future__ import annotations

import re

from tests.conftest import SEED_FILES


def test_home_shows_counts_and_the_latest_practices(app, client):
    registry = app.extensions["registry"]
    registry.imports.import_paths(SEED_FILES.values())
    page = client.get("/").get_data(as_text=True)
    home = re.search(r'<section class="home".*?</section>', page, re.S).group(0)
    countries = {r["jurisdiction"]["country"] for r in registry.practices.iter_all()}
    languages = {r["language"] for r in registry.practices.iter_all()}
    assert (f"5 practices from {len(countries)} countries, in {len(languages)} languages."
            in home)
    latest, _ = registry.practices.list(per_page=5)
    assert re.findall(r'href="/practices/(gp-[0-9a-f]+)"', home) == [r["id"] for r in latest]
    assert 'class="home"' not in client.get("/?q=familia").get_data(as_text=True)


def test_plugin_page_lists_the_loaded_plugins(client):
    page = client.get("/plugins").get_data(as_text=True)
    for name in ("venice_form", "sdg", "metrics", "oru_award"):
        assert f'<th scope="row">{name}</th>' in page
    assert "registry_importers" in page


def test_api_docs_page_lists_every_operation_of_the_openapi_document(client):
    spec = client.get("/api/openapi.json").get_json()
    page = client.get("/api/docs").get_data(as_text=True)
    for path, item in spec["paths"].items():
        for method in set(item) - {"parameters"}:
            assert f"<code>{method.upper()} {path}</code>" in page
    assert '<code>PUT /api/practices/{practice_id}</code> <small class="meta">(token)' in page
    assert "<code>If-Match</code>" in page
