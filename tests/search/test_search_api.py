"""``GET /api/search`` and ``/api/search/similar/<id>`` over the imported documents."""

from __future__ import annotations

import pytest

from registry.app import create_app


@pytest.fixture(scope="module")
def client(corpus):
    app = create_app(corpus.config)
    yield app.test_client()
    app.extensions["registry"].search.close()
    app.extensions["registry"].close()


def test_the_quito_query_through_the_api(client, corpus):
    body = client.get("/api/search", query_string={"q": "apoyo a familias monoparentales"})
    data = body.get_json()
    assert body.status_code == 200
    found = [h["id"] for h in data["hits"]]
    assert corpus.id_of("venice_queretaro_single_mothers.txt") in found
    assert corpus.id_of("001_3f301ab74576aebb.txt") in found
    assert data["pages"] == 1 and data["sort"] == "relevance" and not data["relaxed"]
    assert "single_parent" in data["concepts"]
    assert set(data["facets"]) >= {"country", "level", "vd_tag", "sdg_goal", "target_group",
                                   "practice_type", "status", "year", "format", "kpis",
                                   "award", "language"}
    assert sum(v["count"] for v in data["facets"]["kpis"]) == data["total"]
    assert all("<mark>" in h["snippet"] for h in data["hits"])


def test_filters_years_sort_and_paging_are_query_parameters(client):
    data = client.get("/api/search?country=MX&country=BR&language=pt&facets=country"
                      "&sort=date&per_page=1&page=2").get_json()
    assert data["total"] == 2 and data["pages"] == 2 and len(data["hits"]) == 1
    assert data["facets"] == {"country": [{"value": "BR", "count": 2}]}
    ranged = client.get("/api/search?year_from=2019&year_to=2019&facets=year").get_json()
    assert ranged["total"] >= 1 and ranged["facets"]["year"] == [
        {"value": "2019", "count": ranged["total"]}]
    generic = client.get("/api/search?filter=kpis:no&facets=none").get_json()
    plain = client.get("/api/search?kpis=no&facets=none").get_json()
    assert generic["total"] == plain["total"] > 0 and generic["facets"] == {}


def test_no_hits_come_with_a_suggestion(client):
    data = client.get("/api/search?q=malnutriton").get_json()
    assert data["total"] == 0 and data["suggestion"] == "malnutrition"


def test_bad_arguments_are_422_envelopes_naming_the_argument(client):
    error = client.get("/api/search?filter=budget:1").get_json()["error"]
    assert error["code"] == "unprocessable_entity" and "budget" in error["fields"]["filter"][0]
    error = client.get("/api/search?sort=cheapest").get_json()["error"]
    assert "sort" in error["fields"]


def test_similar_practices_endpoint(client, corpus):
    recife = corpus.id_of("venice_recife_violencia.txt")
    data = client.get(f"/api/search/similar/{recife}?limit=3").get_json()
    assert data["id"] == recife and len(data["hits"]) == 3
    assert recife not in [h["id"] for h in data["hits"]]
    missing = client.get("/api/search/similar/gp-000000000000")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
