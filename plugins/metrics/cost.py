"""Money metrics: cost per beneficiary reached, cost per outcome (gross), annual cost."""

from __future__ import annotations

from plugins.metrics.inputs import (
    count_noun,
    fmt,
    outcome_count,
    reached_beneficiaries,
    source_caveat,
    total_cost,
    unit_caveat,
)
from registry.metrics import MetricContext, MetricDefinition, MetricValue

FINANCING = ("resources[type=financing].amount", "resources.currency",
             "resources.period_start", "resources.period_end")


def cost_per_beneficiary(record: dict, context: MetricContext) -> MetricValue:
    """Total financing divided by the beneficiaries reached."""
    cost = total_cost(record, context)
    if isinstance(cost, str):
        return MetricValue.missing(cost)
    reached = reached_beneficiaries(record)
    if isinstance(reached, str):
        return MetricValue.missing(reached, cost.inputs)
    singular, plural = count_noun(reached.unit)
    value = cost.value / reached.value
    steps = [*cost.steps, *reached.steps,
             f"{cost.unit} {fmt(cost.value)} / {fmt(reached.value)} {plural} = "
             f"{cost.unit} {fmt(value)} per {singular}"]
    caveats = [*cost.caveats, *reached.caveats, source_caveat(record)]
    return MetricValue.of(value, f"{cost.unit} per {singular}", {**cost.inputs, **reached.inputs},
                          steps, caveats)


def cost_per_outcome(record: dict, context: MetricContext) -> MetricValue:
    """Total financing divided by the outcomes counted: gross, with no counterfactual."""
    cost = total_cost(record, context)
    if isinstance(cost, str):
        return MetricValue.missing(cost)
    outcomes = outcome_count(record)
    if isinstance(outcomes, str):
        return MetricValue.missing(outcomes, cost.inputs)
    singular, plural = count_noun(outcomes.unit)
    value = cost.value / outcomes.value
    steps = [*cost.steps, *outcomes.steps,
             f"{cost.unit} {fmt(cost.value)} / {fmt(outcomes.value)} {plural} = "
             f"{cost.unit} {fmt(value)} per {singular}"]
    caveats = [
        *cost.caveats,
        "gross: every outcome reported is counted, not net of what would have happened "
        "without the practice (no counterfactual)",
        *outcomes.caveats,
        unit_caveat(outcomes.unit),
        source_caveat(record),
    ]
    return MetricValue.of(value, f"{cost.unit} per {singular}",
                          {**cost.inputs, **outcomes.inputs}, steps, caveats)


def annual_cost(record: dict, context: MetricContext) -> MetricValue:
    """Total financing divided by the years its period covers (months / 12)."""
    cost = total_cost(record, context)
    if isinstance(cost, str):
        return MetricValue.missing(cost)
    if not cost.months:
        return MetricValue.missing(
            "financing has no period (resource period_start/period_end or the record's "
            "start_date/end_date)", cost.inputs)
    years = cost.months / 12
    value = cost.value / years
    steps = [*cost.steps,
             f"{cost.months} months = {fmt(years)} years; {cost.unit} {fmt(cost.value)} / "
             f"{fmt(years)} = {cost.unit} {fmt(value)} per year"]
    caveats = [*cost.caveats, source_caveat(record)]
    if cost.months < 12:
        caveats.append(f"period shorter than a year: annualised from {cost.months} months")
    return MetricValue.of(value, f"{cost.unit} per year", cost.inputs, steps, caveats)


METRICS = [
    MetricDefinition(
        id="cost_per_beneficiary",
        label={"en": "Cost per beneficiary reached", "es": "Costo por beneficiario alcanzado",
               "fr": "Coût par bénéficiaire atteint"},
        unit="currency per beneficiary",
        direction="lower",
        inputs=(*FINANCING, "beneficiaries[kind=reached].value", "beneficiaries.unit"),
        func=cost_per_beneficiary,
        description="Total financing / beneficiaries reached; households and persons differ.",
    ),
    MetricDefinition(
        id="cost_per_outcome",
        label={"en": "Cost per outcome (gross)", "es": "Costo por resultado (bruto)",
               "fr": "Coût par résultat (brut)"},
        unit="currency per outcome",
        direction="lower",
        inputs=(*FINANCING, "kpis[kind=outcome].observations.value", "kpis.unit"),
        func=cost_per_outcome,
        description="Total financing / outcomes reported (e.g. households out of poverty).",
    ),
    MetricDefinition(
        id="annual_cost",
        label={"en": "Annual cost", "es": "Costo anual", "fr": "Coût annuel"},
        unit="currency per year",
        direction=None,
        inputs=(*FINANCING, "start_date", "end_date"),
        func=annual_cost,
        description="Total financing / years of its period: the size of the practice.",
    ),
]
