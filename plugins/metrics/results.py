"""Result metrics: outcome rate, coverage of the population, staff per 1,000 beneficiaries."""

from __future__ import annotations

from plugins.metrics.inputs import (
    count_noun,
    fmt,
    outcome_count,
    reached_beneficiaries,
    source_caveat,
    staff_headcount,
    unit_kind,
)
from registry.metrics import MetricContext, MetricDefinition, MetricValue

REACHED = ("beneficiaries[kind=reached].value", "beneficiaries.unit")


def outcome_rate(record: dict, context: MetricContext) -> MetricValue:
    """Outcomes as a share of the beneficiaries reached, counted in the same unit."""
    reached = reached_beneficiaries(record)
    if isinstance(reached, str):
        return MetricValue.missing(reached)
    outcomes = outcome_count(record, prefer_unit=reached.unit)
    if isinstance(outcomes, str):
        return MetricValue.missing(outcomes, reached.inputs)
    inputs = {**reached.inputs, **outcomes.inputs}
    kinds = unit_kind(outcomes.unit), unit_kind(reached.unit)
    if all(kinds) and kinds[0] != kinds[1]:
        return MetricValue.missing(
            f"outcomes are counted in {outcomes.unit}, beneficiaries in {reached.unit}: "
            "not a rate", inputs)
    value = 100 * outcomes.value / reached.value
    steps = [*reached.steps, *outcomes.steps,
             f"{fmt(outcomes.value)} / {fmt(reached.value)} x 100 = {fmt(value)} %"]
    caveats = [*reached.caveats, *outcomes.caveats, source_caveat(record)]
    if not all(kinds):
        caveats.append("the unit of outcomes or beneficiaries is not stated: assumed the same")
    if value > 100:
        caveats.append("more outcomes than beneficiaries reached: the figures may cover "
                       "different periods or groups")
    return MetricValue.of(value, "%", inputs, steps, caveats)


def coverage(record: dict, context: MetricContext) -> MetricValue:
    """Persons reached as a share of the jurisdiction's population."""
    jurisdiction = record.get("jurisdiction") or {}
    population = (jurisdiction.get("population") or {}).get("value")
    if not population:
        return MetricValue.missing("the jurisdiction's population is not known")
    reached = reached_beneficiaries(record)
    if isinstance(reached, str):
        return MetricValue.missing(reached, {"population": population})
    inputs = {**reached.inputs, "population": population,
              "population_year": jurisdiction["population"].get("year")}
    kind = unit_kind(reached.unit)
    if kind == "households":
        return MetricValue.missing(
            f"beneficiaries are counted in {reached.unit} and the population in persons; "
            "no household size is given to convert them", inputs)
    if reached.unit and kind is None:
        return MetricValue.missing(
            f"beneficiaries are counted in {reached.unit!r}, not persons", inputs)
    value = 100 * reached.value / population
    year = f" ({inputs['population_year']})" if inputs["population_year"] else ""
    steps = [*reached.steps,
             f"population of {jurisdiction.get('name') or 'the jurisdiction'}{year}: "
             f"{fmt(population)}",
             f"{fmt(reached.value)} / {fmt(population)} x 100 = {fmt(value)} %"]
    caveats = [*reached.caveats, "share of the whole population, not of the target group",
               source_caveat(record)]
    if not reached.unit:
        caveats.append("unit of beneficiaries not stated: assumed persons")
    return MetricValue.of(value, "% of population", inputs, steps, caveats)


def staff_per_1000(record: dict, context: MetricContext) -> MetricValue:
    """People working on the practice per 1,000 beneficiaries reached."""
    staff = staff_headcount(record)
    if isinstance(staff, str):
        return MetricValue.missing(staff)
    reached = reached_beneficiaries(record)
    if isinstance(reached, str):
        return MetricValue.missing(reached, staff.inputs)
    _, plural = count_noun(reached.unit)
    value = 1000 * staff.value / reached.value
    steps = [*staff.steps, *reached.steps,
             f"{fmt(staff.value)} / {fmt(reached.value)} x 1,000 = {fmt(value)}"]
    caveats = [*staff.caveats, *reached.caveats, source_caveat(record)]
    return MetricValue.of(value, f"staff per 1,000 {plural}", {**staff.inputs, **reached.inputs},
                          steps, caveats)


METRICS = [
    MetricDefinition(
        id="outcome_rate",
        label={"en": "Outcome rate (outcomes / participants)",
               "es": "Tasa de resultado (resultados / participantes)",
               "fr": "Taux de résultat (résultats / participants)"},
        unit="%",
        direction="higher",
        inputs=(*REACHED, "kpis[kind=outcome].observations.value", "kpis.unit"),
        func=outcome_rate,
        description="Outcomes reported / beneficiaries reached, in the same unit.",
    ),
    MetricDefinition(
        id="coverage",
        label={"en": "Coverage of the population", "es": "Cobertura de la población",
               "fr": "Couverture de la population"},
        unit="% of population",
        direction="higher",
        inputs=(*REACHED, "jurisdiction.population.value"),
        func=coverage,
        description="Persons reached / population of the jurisdiction.",
    ),
    MetricDefinition(
        id="staff_per_1000_beneficiaries",
        label={"en": "Staff per 1,000 beneficiaries", "es": "Personal por cada 1.000 beneficiarios",
               "fr": "Personnel pour 1 000 bénéficiaires"},
        unit="staff per 1,000 beneficiaries",
        direction="lower",
        inputs=("resources[type=staff].headcount", *REACHED),
        func=staff_per_1000,
        description="Staff headcount per 1,000 reached: lower means a lighter service.",
    ),
]
