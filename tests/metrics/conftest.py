"""A plugin manager holding only the built-in metrics plugin (and whatever a test adds)."""

from __future__ import annotations

import pluggy
import pytest

import plugins.metrics
from registry import hookspecs
from registry.metrics import MetricCollection, collect_metrics


@pytest.fixture
def pm() -> pluggy.PluginManager:
    manager = pluggy.PluginManager("registry")
    manager.add_hookspecs(hookspecs)
    manager.register(plugins.metrics, name="metrics")
    return manager


@pytest.fixture
def metrics(pm: pluggy.PluginManager) -> MetricCollection:
    collection = collect_metrics(pm)
    assert collection.problems == []
    return collection
