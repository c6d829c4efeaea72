"""The ``registry`` command as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from registry.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"


def test_init_import_show_and_search(runner, cli_env, seed_paths):
    assert runner.invoke(main, ["init"]).exit_code == 0
    result = runner.invoke(main, ["import", str(seed_paths["sdg_action"].parent)])
    # the seeds folder also holds its README, which is no practice document
    assert result.exit_code == 2
    assert "README.md: not a document in any known format" in result.output
    assert "6 document(s): 5 imported, 1 rejected" in result.output
    again = runner.invoke(main, ["import", *map(str, seed_paths.values())])
    assert again.exit_code == 0 and "5 document(s): 5 unchanged" in again.output

    found = json.loads(runner.invoke(main, ["search", "Medellín", "--json"]).output)
    assert found["total"] >= 1
    practice_id = found["hits"][0]["id"]
    shown = json.loads(runner.invoke(main, ["show", practice_id, "--json"]).output)
    assert shown["id"] == practice_id and shown["revision"] == 1
    text = runner.invoke(main, ["show", practice_id]).output
    assert "pobreza" in text and text.splitlines()[-1].startswith("missing:")


def test_show_unknown_id_fails_clearly(runner, cli_env):
    runner.invoke(main, ["init"])
    result = runner.invoke(main, ["show", "gp-000000000000"])
    assert result.exit_code == 1 and "no practice gp-000000000000" in result.output


def test_plugins_lists_importers_with_versions_and_hooks(runner, cli_env):
    result = runner.invoke(main, ["plugins", "--json"])
    plugins = {p["name"]: p for p in json.loads(result.output)}
    assert plugins["oru_fogar"]["hooks"] == ["registry_importers"]
    assert plugins["oru_fogar"]["version"] == "0.1.0"
    text = runner.invoke(main, ["plugins"]).output
    assert "venice_form" in text and "registry_importers" in text


def test_reindex_rebuilds_the_index(runner, cli_env, seed_paths):
    runner.invoke(main, ["import", *map(str, seed_paths.values())])
    result = runner.invoke(main, ["reindex"])
    assert result.exit_code == 0 and "indexed 5 practice(s)" in result.output
    found = json.loads(runner.invoke(main, ["search", "foster care", "--json"]).output)
    assert found["total"] >= 2


VARIANTS = ("venice_form", "sdg_action", "oru_fogar", "relaf_newsletter")
EXPECTED_REJECTIONS = {
    "en_missing_signatory.txt": "Official Name of Signatory",
    "fr_sans_region.txt": "not a document in any known format",
}


def test_variants_in_other_languages_import_end_to_end(runner, cli_env):
    paths = [str(DATA / name) for name in VARIANTS]
    result = runner.invoke(main, ["import", *paths])
    lines = result.output.splitlines()
    for name, reason in EXPECTED_REJECTIONS.items():
        assert any(name in line and reason in line for line in lines if "rejected" in line)
    imported = [line for line in lines if line.startswith("imported:")]
    files = [p for d in VARIANTS for p in (DATA / d).iterdir()]
    assert len(imported) == len(files) - len(EXPECTED_REJECTIONS)
    for line in imported:
        folder = line.split("/")[-2]
        assert f"({folder})" in line, line  # each variant is recognised as its own format
    records = json.loads(runner.invoke(main, ["search", "", "--json"]).output)
    assert records["total"] >= len(imported)


def test_a_sparse_form_imports_and_show_lists_what_is_missing(runner, cli_env, tmp_path):
    sparse = tmp_path / "sparse.txt"
    sparse.write_text(
        "Abuelas cuidadoras\n\n(V.D.10) Vulnerable Families\n\n"
        "Official Name of Signatory\n\nCity of Rosario (Argentina)\n\n"
        "Aim of the Good Practice\n\nApoyar a las abuelas que crían a sus nietos.\n")
    result = runner.invoke(main, ["import", "--json", str(sparse)])
    assert result.exit_code == 0, result.output
    (record,) = json.loads(result.stdout)
    assert record["start_date"] is None and record["kpis"] == []
    assert record["jurisdiction"]["country"] == "AR"
    shown = runner.invoke(main, ["show", record["id"]]).output
    missing = shown.splitlines()[-1]
    for field in ("start_date", "end_date", "kpis", "resources", "stakeholders"):
        assert field in missing
    assert "aims" not in missing and "title" not in missing


def test_serve_builds_the_site_and_api_over_the_commands_registry(runner, cli_env, seed_paths,
                                                                   monkeypatch):
    """Other commands build the registry alone; ``serve`` builds the site and the API on it."""
    from flask import Flask

    served = []
    monkeypatch.setattr(Flask, "run", lambda app, **options: served.append((app, options)))
    assert runner.invoke(main, ["import", str(seed_paths["oru_fogar"])]).exit_code == 0
    result = runner.invoke(main, ["serve", "--port", "5099"])
    assert result.exit_code == 0, result.output
    (app, options), = served
    assert options == {"host": "127.0.0.1", "port": 5099, "threaded": True}
    with app.test_client() as client:
        items = client.get("/api/practices").get_json()["items"]
        assert [item["provenance"]["format"] for item in items] == ["oru_fogar"]
        assert client.get("/").status_code == 200
