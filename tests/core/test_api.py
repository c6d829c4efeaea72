"""The JSON API and the pages over imported seeds."""

from __future__ import annotations

from registry.schema import GoodPractice


def _import_seeds(app, seed_paths):
    app.extensions["registry"].imports.import_paths(seed_paths.values())


def test_practice_list_and_record_are_contract_v1(app, client, seed_paths):
    _import_seeds(app, seed_paths)
    page = client.get("/api/practices?per_page=2").get_json()
    assert page["total"] == 5 and len(page["items"]) == 2 and page["per_page"] == 2
    practice_id = page["items"][0]["id"]
    record = client.get(f"/api/practices/{practice_id}").get_json()
    assert record["schema"] == "good-practice/1" and record["id"] == practice_id
    GoodPractice().load({k: v for k, v in record.items() if k != "revision"})


def test_contacts_never_reach_anonymous_readers(app, client, seed_paths):
    _import_seeds(app, seed_paths)
    registry = app.extensions["registry"]
    venice = registry.search.query("Conecta con tu familia").hits[0].id
    assert registry.practices.get(venice)["contacts"][0]["name"] == "Rocio Moreno"
    for url in (f"/api/practices/{venice}", "/api/practices?per_page=50",
                f"/practices/{venice}", "/"):
        body = client.get(url).get_data(as_text=True)
        assert "Rocio Moreno" not in body, url


def test_unknown_practice_is_a_404_envelope(client):
    response = client.get("/api/practices/gp-nothing")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found",
                                             "message": "no practice gp-nothing",
                                             "fields": {}}}


def test_bad_query_arguments_are_a_422_envelope_naming_the_field(client):
    response = client.get("/api/practices?per_page=1000")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "unprocessable_entity" and "per_page" in error["fields"]


def test_openapi_document_lists_the_endpoints(client):
    spec = client.get("/api/openapi.json").get_json()
    assert {"/api/practices", "/api/practices/{practice_id}", "/api/search"} <= set(spec["paths"])
    assert "GoodPractice" in spec["components"]["schemas"]


def test_pages_show_the_seed_practices(app, client, seed_paths):
    _import_seeds(app, seed_paths)
    listing = client.get("/").get_data(as_text=True)
    assert "Femmes qui avancent vers le bien-être" in listing
    registry = app.extensions["registry"]
    jalisco = registry.search.query("Femmes bien-être").hits[0].id
    page = client.get(f"/practices/{jalisco}").get_data(as_text=True)
    assert "Jalisco" in page and "489" in page and "7,844,830" in page
    assert client.get("/practices/gp-nothing").status_code == 404
    assert "Medellín" in client.get("/?q=pobreza").get_data(as_text=True)


def test_search_api_filters_by_country(app, client, seed_paths):
    _import_seeds(app, seed_paths)
    results = client.get("/api/search?q=familia&country=CO").get_json()
    assert results["total"] == 1 and "pobreza" in results["hits"][0]["title"]


def _ids_by_country(app) -> dict[str, str]:
    return {r["jurisdiction"]["country"] + r["provenance"]["format"]: r["id"]
            for r in app.extensions["registry"].practices.iter_all()}


def test_compare_api_page_and_charts(app, client, seed_paths):
    _import_seeds(app, seed_paths)
    ids = _ids_by_country(app)
    medellin, jalisco = ids["COsdg_action"], ids["MXoru_fogar"]
    data = client.get(f"/api/compare?ids={medellin}&ids={jalisco}").get_json()
    values = {p["id"]: p["metrics"] for p in data["practices"]}
    assert round(values[medellin]["cost_per_outcome"]["value"]) == 3_090_311
    assert client.get(f"/api/compare?ids={medellin}").status_code == 422
    converted = client.get(f"/api/compare?ids={medellin}&ids={jalisco}&base_currency=EUR"
                           "&base_year=2022&basis=ppp").get_json()
    eur = {p["id"]: p["metrics"] for p in converted["practices"]}[medellin]
    assert eur["cost_per_beneficiary"]["unit"].startswith("EUR")
    page = client.get(f"/compare?ids={medellin}&ids={jalisco}").get_data(as_text=True)
    assert "1,100,459.75 COP per household" in page and "Femmes qui avancent" in page
    chart = client.get(f"/charts/compare.svg?ids={medellin}&ids={jalisco}")
    assert chart.mimetype == "image/svg+xml" and b"<svg" in chart.data
    kpis = client.get(f"/charts/kpi/{medellin}.svg")
    assert kpis.status_code == 200 and b"<svg" in kpis.data
    assert client.get("/charts/kpi/gp-nothing.svg").status_code == 404


def test_peers_api(app, client, seed_paths):
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "data"
    guadalajara = data / "venice_form" / "es_guadalajara_crianza.txt"
    registry = app.extensions["registry"]
    _import_seeds(app, seed_paths)
    peer_id = registry.imports.import_document(guadalajara).practice_ids[0]
    san_luis = next(r["id"] for r in registry.practices.iter_all()
                    if r["provenance"]["format"] == "venice_form" and r["id"] != peer_id)
    peers = client.get(f"/api/practices/{san_luis}/peers?place=country").get_json()
    assert peers["peers"][0]["id"] == peer_id  # shares the most: two V.D. codes and the country
    assert {"V.D.03", "V.D.10", "country MX"} <= set(peers["peers"][0]["shared"])
    assert "kpi_months" in peers["ranks"]


def test_plugins_api_lists_every_plugin_with_its_hooks(client):
    plugins = {p["name"]: p for p in client.get("/api/plugins").get_json()}
    assert plugins["metrics"]["hooks"] == ["registry_metrics"]
    assert plugins["sdg_action"]["package"] == "good-practice-registry"


def test_a_failing_metric_plugin_does_not_break_the_compare_page(config, seed_paths):
    from registry.app import create_app
    from registry.hookspecs import hookimpl
    from registry.metrics import MetricDefinition

    def explode(record, context):
        raise ZeroDivisionError("division by zero")

    class Exploding:
        @hookimpl
        def registry_metrics(self):
            return [MetricDefinition("explodes", {"en": "Explodes"}, "x", "higher", (), explode)]

    class Raising:
        @hookimpl
        def registry_metrics(self):
            raise RuntimeError("tables missing")

    app = create_app(config, extra_plugins=(Exploding(), Raising()))
    registry = app.extensions["registry"]
    registry.init()
    _import_seeds(app, seed_paths)
    assert any("tables missing" in p for p in registry.comparisons.metrics.problems)
    ids = [r["id"] for r in registry.practices.iter_all()][:2]
    page = app.test_client().get(f"/compare?ids={ids[0]}&ids={ids[1]}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "metric explodes of plugin" in text and "ZeroDivisionError" in text
    assert "Cost per beneficiary reached" in text
    registry.close()


def test_practice_page_lists_metrics_and_serves_the_peer_chart(app, client, seed_paths):
    registry = app.extensions["registry"]
    _import_seeds(app, seed_paths)
    medellin = next(r["id"] for r in registry.practices.iter_all()
                    if r["provenance"]["format"] == "sdg_action")
    page = client.get(f"/practices/{medellin}").get_data(as_text=True)
    assert "cost per beneficiary" in page and "1,100,459.75 COP per household" in page
    with_value = client.get(f"/charts/peers/{medellin}/cost_per_beneficiary.svg?place=anywhere")
    assert with_value.status_code == 200 and b"<svg" in with_value.data
    assert client.get(f"/charts/peers/{medellin}/no_such_metric.svg").status_code == 404


def test_a_record_carries_an_etag_and_a_matching_request_gets_304(app, client, seed_paths):
    _import_seeds(app, seed_paths)
    practice_id = client.get("/api/practices?per_page=1").get_json()["items"][0]["id"]
    first = client.get(f"/api/practices/{practice_id}")
    etag = first.headers["ETag"]
    assert etag
    again = client.get(f"/api/practices/{practice_id}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    older = client.get(f"/api/practices/{practice_id}?revision=1",
                       headers={"If-None-Match": '"not-this-one"'})
    assert older.status_code == 200
