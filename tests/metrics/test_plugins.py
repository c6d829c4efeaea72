"""Metric plugins: the built-ins are well formed; a failing plugin is named and does no harm."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from registry.hookspecs import hookimpl
from registry.metrics import (
    Metric,
    MetricContext,
    MetricDefinition,
    MetricValue,
    check_metric,
    collect_metrics,
    compute_all,
    metric_label,
)
from tests.metrics.records import medellin

BUILT_IN = {
    "cost_per_beneficiary", "cost_per_outcome", "outcome_rate", "coverage",
    "staff_per_1000_beneficiaries", "annual_cost", "kpi_months", "kpi_periods_reported",
    "kpi_trend", "kpi_cv",
}


def _metric(metric_id: str, func) -> MetricDefinition:
    return MetricDefinition(id=metric_id, label={"en": metric_id}, unit="things",
                            direction="higher", inputs=(), func=func)


class Raising:
    @hookimpl
    def registry_metrics(self):
        raise RuntimeError("table not found")


class NotAList:
    @hookimpl
    def registry_metrics(self):
        return "cost_per_beneficiary"


class BadItems:
    @hookimpl
    def registry_metrics(self):
        good = _metric("answer", lambda record, context: MetricValue.of(42, "things", {}))
        no_direction = _metric("sideways", good.func)
        object.__setattr__(no_direction, "direction", "up")
        return [object(), no_direction, good]


class Duplicate:
    @hookimpl
    def registry_metrics(self):
        return [_metric("coverage", lambda record, context: MetricValue.of(1, "%", {}))]


class Flaky:
    @hookimpl
    def registry_metrics(self):
        return [
            _metric("divides", lambda record, context: 1 / 0),
            _metric("returns_garbage", lambda record, context: 3.5),
        ]


def test_built_in_metrics_are_well_formed(metrics):
    assert {entry.metric.id for entry in metrics} == BUILT_IN
    for entry in metrics:
        metric = entry.metric
        assert entry.plugin == "metrics"
        assert isinstance(metric, Metric)
        assert check_metric(metric) == []
        assert set(metric.label) == {"en", "es", "fr"}, metric.id
        assert metric.inputs and metric.unit
    assert metric_label(metrics.get("cost_per_outcome").metric, "fr") == "Coût par résultat (brut)"
    assert metric_label(metrics.get("cost_per_outcome").metric, "pt") == "Cost per outcome (gross)"


def test_unknown_metric_id_names_the_known_ones(metrics):
    with pytest.raises(KeyError, match="no metric 'nope'; known: cost_per_beneficiary"):
        metrics.get("nope")


def test_failing_plugins_are_reported_by_name_and_skipped(pm):
    for plugin, name in [(Raising(), "raising"), (NotAList(), "not_a_list"),
                         (BadItems(), "bad_items"), (Duplicate(), "duplicate")]:
        pm.register(plugin, name=name)
    collection = collect_metrics(pm)
    problems = "\n".join(collection.problems)
    assert "plugin raising: registry_metrics() raised RuntimeError: table not found" in problems
    assert "plugin not_a_list: registry_metrics() returned str, not a list of metrics" in problems
    assert "plugin bad_items: item 0 (object) is not a metric: id must be" in problems
    assert "plugin bad_items: item 1 (MetricDefinition) is not a metric: direction must be" \
        in problems
    assert "plugin duplicate: metric coverage is already defined by plugin metrics" in problems
    assert len(collection.problems) == 5
    ids = [entry.metric.id for entry in collection]
    assert set(ids) == BUILT_IN | {"answer"}
    assert collection.get("coverage").plugin == "metrics"
    values = compute_all(medellin(), collection)
    assert values["answer"].value == 42
    assert round(values["cost_per_beneficiary"].value) == 1_100_460


def test_a_failing_compute_becomes_a_reason_and_the_others_still_compute(pm):
    pm.register(Flaky(), name="flaky")
    collection = collect_metrics(pm)
    assert collection.problems == []
    values = compute_all(medellin(), collection, MetricContext())
    assert values["divides"].reason == (
        "metric divides of plugin flaky failed: ZeroDivisionError: division by zero"
    )
    assert values["returns_garbage"].reason == (
        "metric returns_garbage of plugin flaky failed: compute returned float, "
        "not a MetricValue"
    )
    assert round(values["cost_per_outcome"].value) == 3_090_311


def test_metric_values_hold_a_value_or_a_reason():
    with pytest.raises(ValueError, match="either a value or a reason"):
        MetricValue()
    with pytest.raises(ValueError, match="either a value or a reason"):
        MetricValue(value=1.0, reason="both")
    with pytest.raises(ValueError, match="finite"):
        MetricValue.of(float("nan"), "%", {})
    assert MetricValue.missing("no data").to_dict() == {
        "value": None, "unit": None, "inputs": {}, "steps": [], "caveats": [],
        "reason": "no data",
    }


def test_context_options_are_checked():
    with pytest.raises(ValueError, match="basis must be 'market' or 'ppp'"):
        MetricContext(base_currency="USD", basis="nominal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ISO 4217"):
        MetricContext(base_currency="usd")
    with pytest.raises(ValueError, match="a base year needs a base currency"):
        MetricContext(base_year=2020)


def test_built_in_metrics_load_through_their_entry_point():
    from registry.plugins import ENTRY_POINT_GROUP, build_plugin_manager

    assert "metrics" in {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
    collection = collect_metrics(build_plugin_manager())
    assert {e.metric.id for e in collection if e.plugin == "metrics"} == BUILT_IN
