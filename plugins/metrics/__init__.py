"""Built-in comparison metrics: costs, results, KPI consistency (``registry_metrics`` hook).

Money is made comparable with the dated tables in ``data/`` (World Bank WDI, CC BY 4.0,
see ``data/datapackage.json``) when the metric context names a base currency.
"""

from __future__ import annotations

from plugins.metrics import cost, kpi, results
from registry.hookspecs import hookimpl
from registry.metrics import MetricDefinition


@hookimpl
def registry_metrics() -> list[MetricDefinition]:
    """The built-in metrics, in the order the compare page shows them."""
    return [*cost.METRICS, *results.METRICS, *kpi.METRICS]
