"""Each seed document, imported end to end, keeps every field of its source (stored records)."""

from __future__ import annotations

import pytest


@pytest.fixture
def seeds(registry, seed_paths) -> dict[str, list[dict]]:
    results = {name: registry.imports.import_document(path) for name, path in seed_paths.items()}
    assert all(r.status == "imported" for r in results.values()), \
        {n: r.reason for n, r in results.items()}
    return {name: [registry.practices.get(pid) for pid in r.practice_ids]
            for name, r in results.items()}


def test_venice_form_seed(seeds):
    (record,) = seeds["venice_form"]
    assert record["title"] == {"es": "Conecta con tu familia"} or \
        "Conecta con tu familia" in next(iter(record["title"].values()))
    assert [(t["code"], t["label"]) for t in record["tags"]
            if t["scheme"] == "venice_declaration"] == [
        ("V.D.03", "Education"), ("V.D.08", "Affordability"), ("V.D.10", "Vulnerable Families")]
    assert [next(iter(g.values())) for g in record["future_goals"]] == [
        "Familias Fuertes, amor y límites.", "Distintivo Balance Trabajo Familia"]
    assert (record["start_date"], record["end_date"]) == ("2024-01", "2024-09")
    assert record["jurisdiction"]["country"] == "MX"
    assert record["contacts"][0]["name"] == "Rocio Moreno"
    assert record["contacts"][0]["public"] is False
    assert any(k["frequency"] == "monthly" for k in record["kpis"])
    assert record["provenance"]["format"] == "venice_form"


def test_sdg_action_seed(seeds):
    (record,) = seeds["sdg_action"]
    assert record["provenance"]["source_id"] == "SDGAction33691"
    assert record["jurisdiction"]["country"] == "CO"
    assert record["status"] == "ongoing"
    money = [r for r in record["resources"] if r["type"] == "financing"]
    assert [(r["amount"], r["currency"], r["period_start"], r["period_end"]) for r in money] == [
        ("66027584870", "COP", "2016", "2019")]
    assert any(r["type"] == "staff" and r["headcount"] == 1200 for r in record["resources"])
    outcomes = [o["value"] for k in record["kpis"] for o in k["observations"]]
    assert 21366 in outcomes
    assert any(b["value"] == 60000 and b["unit"] == "households" and b["kind"] == "reached"
               for b in record["beneficiaries"])


def test_oru_fogar_seed(seeds):
    (record,) = seeds["oru_fogar"]
    assert record["language"] == "fr"
    assert record["jurisdiction"]["population"]["value"] == 7844830
    assert record["jurisdiction"]["subdivision"] == "MX-JAL"
    assert record["start_date"] == "2014-07-02"
    (award,) = record["awards"]
    assert (award["edition"], award["year"], award["registration_no"], award["total_score"]) == (
        "I", 2016, "35", 489)
    assert record["lead_entity"]["website"] == "http://sistemadif.jalisco.gob.mx/sitio2013"
    assert any(b["value"] == 35000 for b in record["beneficiaries"])


def test_relaf_newsletter_seeds(seeds):
    (late_2016,) = seeds["relaf_2016"]
    (mid_2017,) = seeds["relaf_2017"]
    assert late_2016["practice_type"] == mid_2017["practice_type"] == "technical_cooperation"
    assert (late_2016["start_date"], late_2016["end_date"]) == ("2016-11", "2016-12")
    assert (mid_2017["start_date"], mid_2017["end_date"]) == ("2017-04", "2017-06")
    assert "2016-12-08" in {e["date"] for e in late_2016["events"]}
    launch = [e for e in mid_2017["events"] if e["date"] == "2017-06-27"]
    assert launch and "Familias de Corazón" in launch[0]["title"] + str(mid_2017["tags"])
    partners = {s["name"] for s in late_2016["stakeholders"]}
    assert {"Hope & Homes For Children", "UNICEF Mexico"} <= partners
    assert late_2016["id"] != mid_2017["id"]
