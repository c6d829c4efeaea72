"""``registry compare`` and ``registry export`` over the imported seeds."""

from __future__ import annotations

import csv
import io
import json

import matplotlib.image
import pytest

from registry.cli import main
from registry.schema import GoodPractice


@pytest.fixture
def seeded(runner, cli_env, seed_paths) -> dict[str, str]:
    result = runner.invoke(main, ["import", "--json", *map(str, seed_paths.values())])
    assert result.exit_code == 0, result.output
    return {r["provenance"]["format"] + ":" + r["provenance"]["source_id"]: r["id"]
            for r in json.loads(result.stdout)}


def _ids(seeded: dict[str, str], *formats: str) -> list[str]:
    return [pid for key, pid in seeded.items() if key.split(":")[0] in formats]


def test_compare_gives_the_medellin_costs_with_their_derivation(runner, seeded):
    ids = _ids(seeded, "sdg_action", "oru_fogar")
    result = runner.invoke(main, ["compare", *ids, "--json"])
    assert result.exit_code == 0, result.output
    comparison = json.loads(result.output)
    medellin = next(p for p in comparison["practices"] if p["jurisdiction"]["country"] == "CO")
    per_household = medellin["metrics"]["cost_per_beneficiary"]
    assert round(per_household["value"]) == 1_100_460
    assert per_household["unit"] == "COP per household"
    assert round(medellin["metrics"]["cost_per_outcome"]["value"]) == 3_090_311
    assert per_household["steps"] and per_household["inputs"]
    jalisco = next(p for p in comparison["practices"] if p["jurisdiction"]["country"] == "MX")
    assert jalisco["metrics"]["cost_per_beneficiary"]["reason"]
    assert any("different units" in c for c in comparison["caveats"])


def test_compare_converts_money_to_a_base_currency_and_year(runner, seeded):
    ids = _ids(seeded, "sdg_action", "venice_form")
    result = runner.invoke(main, ["compare", *ids, "--json", "--base-currency", "USD",
                                  "--base-year", "2020"])
    comparison = json.loads(result.output)
    medellin = next(p for p in comparison["practices"] if p["jurisdiction"]["country"] == "CO")
    value = medellin["metrics"]["cost_per_beneficiary"]
    assert value["unit"] == "USD 2020 per household"
    assert 200 < value["value"] < 600  # about COP 1.1 million at ~3,000-3,700 COP per USD
    assert any("2020" in step for step in value["steps"])


def test_compare_csv_and_chart(runner, seeded, tmp_path):
    ids = _ids(seeded, "sdg_action", "oru_fogar", "relaf_newsletter")
    result = runner.invoke(main, ["compare", *ids, "--csv", "--chart",
                                  str(tmp_path / "compare.png")])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["metric"] for r in rows} >= {"cost_per_beneficiary", "coverage"}
    assert len({r["practice_id"] for r in rows}) == 4
    image = matplotlib.image.imread(tmp_path / "compare.png")
    assert image.shape[0] > 100 and image.shape[1] > 100


def test_compare_needs_two_known_practices(runner, seeded):
    one = _ids(seeded, "sdg_action")
    assert "at least two practices" in runner.invoke(main, ["compare", *one]).output
    missing = runner.invoke(main, ["compare", *one, "gp-000000000000"])
    assert missing.exit_code == 1 and "no practice gp-000000000000" in missing.output
    bad = runner.invoke(main, ["compare", *one, *one, "--base-year", "2020"])
    assert bad.exit_code == 2 and "a base year needs a base currency" in bad.output


def test_peers_and_percentiles(runner, seeded):
    relaf = _ids(seeded, "relaf_newsletter")
    result = runner.invoke(main, ["compare", *relaf, "--peers", "--json"])
    peers = json.loads(result.output)["peers"]
    assert set(peers) == set(relaf)


def test_export_writes_a_data_package_without_private_contacts(runner, seeded, tmp_path):
    out = tmp_path / "package"
    result = runner.invoke(main, ["export", "--out", str(out)])
    assert result.exit_code == 0 and "exported 5 practice(s)" in result.output
    descriptor = json.loads((out / "datapackage.json").read_text())
    assert [r["path"] for r in descriptor["resources"]] == [
        "records.jsonl", "good-practice-1.json", "metrics.csv"]
    lines = (out / "records.jsonl").read_text().splitlines()
    assert len(lines) == 5
    for line in lines:
        record = json.loads(line)
        GoodPractice().load({k: v for k, v in record.items() if k != "revision"})
        assert all(c["public"] for c in record["contacts"])
    assert "Rocio Moreno" not in (out / "records.jsonl").read_text()
    metrics = list(csv.DictReader((out / "metrics.csv").open()))
    assert any(r["metric"] == "cost_per_beneficiary" and r["value"] for r in metrics)
    flat = tmp_path / "flat"
    runner.invoke(main, ["export", "--out", str(flat), "--format", "csv"])
    assert len(list(csv.DictReader((flat / "records.csv").open()))) == 5
