"""The example plugin, installed with pip, seen and used by the registry through its entry point."""

from __future__ import annotations

from pathlib import Path

from registry.config import Config
from registry.metrics import MetricContext, compute_all
from registry.plugins import build_plugin_manager, describe_plugins
from registry.services import Registry

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def test_the_entry_point_loads_the_plugin():
    described = {p["name"]: p for p in describe_plugins(build_plugin_manager())}
    example = described["metric_example"]
    assert example["package"] == "registry-metric-example"
    assert example["hooks"] == ["registry_metrics", "registry_search_fields"]


def test_metric_and_search_field_work_on_the_seeds(tmp_path):
    registry = Registry.from_config(Config(instance_dir=tmp_path))
    registry.init()
    registry.imports.import_paths(sorted(SEEDS.glob("*.txt")))
    relaf = registry.search.query("", filters={"has_events": ["yes"]})
    assert relaf.total == 2  # the two RELAF newsletters report dated activities
    late_2016 = next(r for r in registry.practices.iter_all()
                     if r["start_date"] == "2016-11")
    value = compute_all(late_2016, registry.comparisons.metrics,
                        MetricContext())["events_per_year"]
    events = len([e for e in late_2016["events"] if e["date"]])
    assert value.value == events / (2 / 12)
    registry.close()


def test_the_compare_page_and_the_api_show_the_example(tmp_path):
    from registry.app import create_app

    app = create_app(Config(instance_dir=tmp_path))
    registry = app.extensions["registry"]
    registry.init()
    registry.imports.import_paths(sorted(SEEDS.glob("*.txt")))
    client = app.test_client()
    plugins = {p["name"]: p for p in client.get("/api/plugins").get_json()}
    assert plugins["metric_example"]["version"] == "0.1.0"
    ids = [r["id"] for r in registry.practices.iter_all()][:2]
    page = client.get(f"/compare?ids={ids[0]}&ids={ids[1]}").get_data(as_text=True)
    assert "Activities per year" in page
    registry.close()
