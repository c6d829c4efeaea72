"""Contract-v1 record dicts for the metric tests, built by hand from the seeds' figures."""

from __future__ import annotations

from typing import Any


def record(**fields: Any) -> dict:
    """A minimal valid record; ``fields`` replace the defaults."""
    base: dict[str, Any] = {
        "schema": "good-practice/1",
        "language": "en",
        "title": {"en": "A practice"},
        "jurisdiction": {"name": "Somewhere", "level": "municipality", "country": "CO",
                         "subdivision": None, "population": None},
        "beneficiaries": [],
        "kpis": [],
        "resources": [],
        "tags": [],
        "target_groups": [],
        "provenance": {"format": "venice_form", "source_id": "test"},
    }
    base.update(fields)
    return base


def medellin() -> dict:
    """Seed 001, #SDGAction33691, as the contract records it."""
    return record(
        id="sdg-action-33691",
        language="es",
        title={"es": "Acompañamiento familiar para la superación de la pobreza multidimensional "
                     "y monetaria"},
        practice_type="programme",
        status="ongoing",
        jurisdiction={"name": "Medellín", "level": "municipality", "country": "CO",
                      "subdivision": None, "population": None},
        beneficiaries=[{"value": 60000, "unit": "households", "kind": "reached",
                        "period_start": None, "period_end": None,
                        "description": "Más de 60.000 hogares vulnerables"}],
        kpis=[{"id": "households-out-of-poverty", "name": "households out of poverty",
               "kind": "outcome", "unit": "households", "frequency": None, "direction": "higher",
               "observations": [{"period_start": "2016", "period_end": "2019", "value": 21366,
                                 "cumulative": True}]}],
        resources=[
            {"type": "financing", "amount": "66027584870", "currency": "COP",
             "period_start": "2016", "period_end": "2019", "headcount": None,
             "description": "inversión de $ 66.027.584.870, durante los años 2016-2019"},
            {"type": "staff", "amount": None, "currency": None, "period_start": "2016",
             "period_end": "2019", "headcount": 1200,
             "description": "1200 personas entre auxiliares, técnicos y profesionales"},
        ],
        provenance={"format": "sdg_action", "source_id": "SDGAction33691", "language": "es"},
    )


def monthly_kpi(values: dict[str, float], **fields: Any) -> dict:
    """An output KPI with one observation per month, keyed ``YYYY-MM``."""
    kpi = {"id": "children", "name": "children enrolled", "kind": "output", "unit": "children",
           "frequency": "monthly", "direction": "higher",
           "observations": [{"period_start": month, "period_end": month, "value": value,
                             "cumulative": False} for month, value in values.items()]}
    kpi.update(fields)
    return kpi
