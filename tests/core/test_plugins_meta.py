"""The plugin manager: entry points, blocking, start-up checks, and the hookspec meta-tests."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pluggy
import pytest

from registry import hookspecs
from registry.plugins import build_plugin_manager, describe_plugins

BUILT_IN_IMPORTERS = {"venice_form", "sdg_action", "oru_fogar", "relaf_newsletter"}
TESTS = Path(__file__).resolve().parents[1]


def _hookspec_names() -> list[str]:
    return [name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
            if name.startswith("registry_")]


def test_every_hookspec_is_documented():
    for name in _hookspec_names():
        doc = inspect.getdoc(getattr(hookspecs, name))
        assert doc and len(doc) > 20, f"hookspec {name} needs a docstring"


def test_every_hookspec_is_exercised_by_a_test():
    called: set[str] = set()
    for path in TESTS.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("registry_"):
                called.add(node.name)
            if isinstance(node, ast.Attribute) and node.attr.startswith("registry_"):
                called.add(node.attr)
    missing = set(_hookspec_names()) - called
    assert not missing, f"hookspecs no test implements or calls: {sorted(missing)}"


def test_built_in_importers_load_through_entry_points():
    pm = build_plugin_manager()
    described = {p["name"]: p for p in describe_plugins(pm)}
    assert set(described) >= BUILT_IN_IMPORTERS
    for name in BUILT_IN_IMPORTERS:
        assert described[name]["package"] == "good-practice-registry"
        assert described[name]["version"]
        assert "registry_importers" in described[name]["hooks"]
    names = {imp.name for batch in pm.hook.registry_importers() for imp in batch}
    assert names == BUILT_IN_IMPORTERS


def test_blocked_plugin_is_not_loaded():
    pm = build_plugin_manager(blocked=["oru_fogar"])
    names = {imp.name for batch in pm.hook.registry_importers() for imp in batch}
    assert "oru_fogar" not in names
    assert pm.is_blocked("oru_fogar")


def test_block_plugins_env_var_reaches_the_plugin_manager(monkeypatch, tmp_path):
    from registry.config import Config
    from registry.services import Registry

    monkeypatch.setenv("REGISTRY_BLOCK_PLUGINS", "relaf_newsletter, sdg_action")
    monkeypatch.setenv("REGISTRY_INSTANCE_DIR", str(tmp_path))
    reg = Registry.from_config(Config.from_env())
    assert set(reg.imports.importers) == {"venice_form", "oru_fogar"}


def test_a_misspelled_hook_fails_at_start_up():
    class Misspelled:
        @hookspecs.hookimpl
        def registry_importer(self):  # not a hook: registry_importers
            return []

    with pytest.raises(pluggy.PluginValidationError, match="registry_importer"):
        build_plugin_manager(extra_plugins=[Misspelled()])


def test_a_plugin_that_fails_to_import_is_reported_and_left_out(monkeypatch):
    import importlib.metadata

    real = importlib.metadata.entry_points
    broken = importlib.metadata.EntryPoint(
        name="broken_plugin", value="plugins.does_not_exist", group="registry")

    def with_broken(**kwargs):
        found = list(real(**kwargs))
        return [*found, broken] if kwargs.get("group") == "registry" else found

    monkeypatch.setattr(importlib.metadata, "entry_points", with_broken)
    pm = build_plugin_manager()
    assert "ModuleNotFoundError" in pm.load_errors["broken_plugin"]
    described = {p["name"]: p for p in describe_plugins(pm)}
    assert "error" in described["broken_plugin"]
    assert described["oru_fogar"]["hooks"] == ["registry_importers"]


class CityBandField:
    """A plugin adding a keyword field to the index: practices with or without KPIs."""

    @hookspecs.hookimpl
    def registry_search_fields(self):
        return [{"name": "has_kpis", "label": "Has KPIs",
                 "extract": lambda record: ["yes" if record["kpis"] else "no"]}]


def test_a_plugin_search_field_is_indexed_and_filterable(tmp_path, seed_paths):
    from registry.config import Config
    from registry.services import Registry

    reg = Registry.from_config(Config(instance_dir=tmp_path), extra_plugins=(CityBandField(),))
    reg.init()
    reg.imports.import_paths(seed_paths.values())
    with_kpis = reg.search.query("", filters={"has_kpis": ["yes"]})
    without = reg.search.query("", filters={"has_kpis": ["no"]})
    assert with_kpis.total + without.total == reg.practices.count()
    kpi_ids = {r["id"] for r in reg.practices.iter_all() if r["kpis"]}
    assert {h.id for h in with_kpis.hits} == kpi_ids
    reg.close()
