"""Example registry plugin: an ``events_per_year`` metric and a ``has_events`` search field."""

from __future__ import annotations

from registry.hookspecs import hookimpl
from registry.metrics import MetricContext, MetricDefinition, MetricValue
from registry.money import months_per_year


def events_per_year(record: dict, context: MetricContext) -> MetricValue:
    """Dated events divided by the years the practice's period covers."""
    dated = [e for e in record.get("events") or () if e.get("date")]
    if not dated:
        return MetricValue.missing("no dated events")
    months = sum(months_per_year(record.get("start_date"), record.get("end_date")).values())
    if not months:
        return MetricValue.missing("the practice has no start and end date")
    value = len(dated) / (months / 12)
    return MetricValue.of(value, "events per year",
                          {"events": len(dated), "months": months},
                          [f"{len(dated)} dated events / ({months} months / 12) = {value:.2f}"],
                          ["counts the activities the source reports, not all it did"])


EVENTS_PER_YEAR = MetricDefinition(
    id="events_per_year",
    label={"en": "Activities per year", "es": "Actividades por año",
           "fr": "Activités par an"},
    unit="events per year",
    direction="higher",
    inputs=("events.date", "start_date", "end_date"),
    func=events_per_year,
)


@hookimpl
def registry_metrics() -> list[MetricDefinition]:
    return [EVENTS_PER_YEAR]


@hookimpl
def registry_search_fields() -> list[dict]:
    return [{"name": "has_events", "label": "Has dated activities",
             "extract": lambda record: ["yes" if record.get("events") else "no"]}]
