"""SDG mapping where users meet it: on every import, the CLI, the API, the page, replaceable."""

from __future__ import annotations

import dataclasses
import json

from registry.app import create_app
from registry.cli import main
from registry.hookspecs import hookimpl
from registry.services import Registry


def _by_format(registry: Registry) -> dict[str, dict]:
    return {r["provenance"]["format"] + (r["start_date"] or ""): r
            for r in registry.practices.iter_all()}


def test_every_import_gets_derived_sdgs_apart_from_declared_tags(registry, seed_paths):
    registry.imports.import_paths(seed_paths.values())
    records = _by_format(registry)
    medellin = records["sdg_action"]
    derived = {(t["scheme"], t["code"]) for t in medellin["tags"] if t["derived"]}
    assert {("sdg_goal", "1"), ("sdg_target", "1.2")} <= derived
    target = next(t for t in medellin["tags"] if t["code"] == "1.2")
    assert target["evidence"] and 0 < target["confidence"] <= 1
    assert target["method"].startswith("sdg-lexicon/")
    venice = records["venice_form2024-01"]
    assert [t["code"] for t in venice["tags"] if not t["derived"]] == ["V.D.03", "V.D.08",
                                                                        "V.D.10"]
    foster_care = {r["id"] for r in records.values()
                   if r["provenance"]["format"] == "relaf_newsletter"}
    hits = registry.search.query("", filters={"tag": ["sdg_target:16.2"]}).hits
    assert foster_care <= {h.id for h in hits}


def test_cli_maps_a_text_a_practice_and_remaps(runner, cli_env, seed_paths):
    runner.invoke(main, ["import", *map(str, seed_paths.values())])
    result = runner.invoke(main, ["sdg", "map", "--lang", "fr", "--json", "--text",
                                  "Accompagnement des familles d'accueil pour les enfants "
                                  "privés de protection parentale"])
    tags = json.loads(result.output)
    assert ("sdg_target", "16.2") in {(t["scheme"], t["code"]) for t in tags} or \
        ("sdg_target", "1.3") in {(t["scheme"], t["code"]) for t in tags}
    assert all(t["evidence"] for t in tags)
    found = json.loads(runner.invoke(main, ["search", "pobreza", "--json"]).output)
    shown = runner.invoke(main, ["sdg", "map", found["hits"][0]["id"]]).output
    assert "evidence:" in shown and "pobreza" in shown
    remap = runner.invoke(main, ["sdg", "remap"])
    assert remap.exit_code == 0 and "0 practice(s) changed, 5 unchanged" in remap.output
    assert runner.invoke(main, ["sdg", "map"]).exit_code == 2


def test_api_maps_text_and_rejects_an_invalid_body(client):
    response = client.post("/api/sdg/map", json={
        "text": "Programa de seguridad alimentaria para mujeres en situación de pobreza",
        "lang": "es"})
    assert response.status_code == 200
    body = response.get_json()
    assert {"1", "2"} <= {t["code"] for t in body["goals"]}
    assert body["goals"][0]["label"].startswith(("Poner fin", "Poner"))
    for bad in ({}, {"text": ""}, {"text": "x", "lang": "de"}, {"text": 5}):
        error = client.post("/api/sdg/map", json=bad)
        assert error.status_code == 422, bad
        assert error.get_json()["error"]["fields"]


def test_practice_page_shows_sdg_badges_with_evidence(app, client, seed_paths):
    registry = app.extensions["registry"]
    registry.imports.import_paths(seed_paths.values())
    medellin = _by_format(registry)["sdg_action"]
    page = client.get(f"/practices/{medellin['id']}").get_data(as_text=True)
    assert "Sustainable Development Goals (inferred)" in page
    assert "Target 1.2" in page and "Evidence:" in page and "superación de la pobreza" in page


class KeywordMapper:
    """A replacement mapper: every record mentioning 'familia' serves SDG 16."""

    @hookimpl
    def registry_enrich_record(self, record):
        text = json.dumps(record, ensure_ascii=False).lower()
        return [{"scheme": "sdg_goal", "code": "16", "confidence": 1.0,
                 "evidence": ["familia"], "method": "keyword-mapper/0.1"}] \
            if "familia" in text else []


def test_a_plugin_can_replace_the_mapper(config, seed_paths):
    without_sdg = dataclasses.replace(config, blocked_plugins=frozenset({"sdg"}))
    app = create_app(without_sdg, extra_plugins=(KeywordMapper(),))
    registry = app.extensions["registry"]
    assert registry.pm.is_blocked("sdg")
    registry.init()
    registry.imports.import_paths(seed_paths.values())
    medellin = _by_format(registry)["sdg_action"]
    derived = [t for t in medellin["tags"] if t["derived"]]
    assert [(t["code"], t["method"]) for t in derived] == [("16", "keyword-mapper/0.1")]
    registry.close()


def test_search_filters_by_declared_and_inferred_sdgs(registry, seed_paths):
    from pathlib import Path

    windhoek = Path(__file__).resolve().parents[1] / "data" / "sdg_action" / "en_windhoek.txt"
    registry.imports.import_paths([*seed_paths.values(), windhoek])
    record = next(r for r in registry.practices.iter_all()
                  if "Windhoek" in json.dumps(r["jurisdiction"]))
    declared = {t["code"] for t in record["tags"]
                if t["scheme"] == "sdg_goal" and not t["derived"]}
    assert declared, "the Windhoek variant declares its SDGs"
    goal = sorted(declared)[0]
    by_declared = registry.search.query("", filters={"sdg_declared": [goal]},
                                        facets=["sdg_inferred"])
    assert [h.id for h in by_declared.hits] == [record["id"]]
    inferred = registry.search.query("", filters={"sdg_inferred": ["1"]})
    medellin = next(r["id"] for r in registry.practices.iter_all()
                    if r["provenance"]["format"] == "sdg_action" and r["id"] != record["id"])
    assert medellin in {h.id for h in inferred.hits}
    assert registry.search.query("", filters={"sdg_declared": ["1"]}).total <= 1
