"""KPI metrics: months of data and, for periodic series, consistency over time.

A periodic series is a KPI with two or more dated observations of the same length (a month,
quarter, half-year or year, from ``frequency`` or from the observation periods). Consistency
is three numbers: the share of periods reported, the trend and the coefficient of variation.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from plugins.metrics.inputs import fmt, source_caveat
from registry.metrics import MetricContext, MetricDefinition, MetricValue
from registry.money import period_months

FREQUENCY_MONTHS = {
    "monthly": 1, "month": 1, "mensual": 1, "mensuel": 1,
    "quarterly": 3, "quarter": 3, "trimestral": 3, "trimestriel": 3,
    "semiannual": 6, "semi-annual": 6, "biannual": 6, "semestral": 6, "semestriel": 6,
    "annual": 12, "annually": 12, "yearly": 12, "anual": 12, "annuel": 12,
}
PERIOD_NAMES = {1: "month", 3: "quarter", 6: "half-year", 12: "year"}
OBSERVATIONS = ("kpis.observations.period_start", "kpis.observations.period_end",
                "kpis.observations.value", "kpis.frequency")


def _label(index: int, length: int) -> str:
    year, month = divmod(index * length, 12)
    if length == 1:
        return f"{year}-{month + 1:02d}"
    if length == 12:
        return str(year)
    prefix = "Q" if length == 3 else "H"
    return f"{year}-{prefix}{month // length + 1}"


@dataclass
class Series:
    """One KPI as a periodic series: reported periods and the values to analyse."""

    kpi: dict
    length: int
    first: int
    last: int
    reported: int
    values: dict[int, float]
    caveats: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The KPI's name, as derivations quote it."""
        return str(self.kpi.get("name"))

    @property
    def period(self) -> str:
        """``month``, ``quarter``, ... for units and steps."""
        return PERIOD_NAMES.get(self.length, f"{self.length}-month period")

    @property
    def expected(self) -> int:
        """Periods from the first to the last, reported or not."""
        return self.last - self.first + 1


def _series(kpi: dict, record: dict) -> Series | str:
    name = kpi.get("name")
    dated = sorted(
        ((span, o) for o in kpi.get("observations") or ()
         if o.get("value") is not None
         and (span := period_months(o.get("period_start"), o.get("period_end")))),
        key=lambda pair: pair[0],
    )
    if len(dated) < 2:
        return f"KPI {name!r} has {len(dated)} dated observation(s); a series needs 2"
    length = FREQUENCY_MONTHS.get((kpi.get("frequency") or "").strip().lower())
    if length is None:
        lengths = sorted({last - first + 1 for (first, last), _ in dated})
        if len(lengths) != 1:
            return (f"KPI {name!r} has observations of different lengths "
                    f"({', '.join(map(str, lengths))} months)")
        length = lengths[0]
    if length > 12:
        return f"KPI {name!r} has observations of {length} months each: totals, not a series"
    values: dict[int, float] = {}
    caveats = []
    for (first_month, _), observation in dated:
        index = first_month // length
        if index in values:
            caveats.append(f"{name}: two observations for {_label(index, length)}, the later kept")
        values[index] = float(observation["value"])
    first, last = min(values), max(values)
    record_span = period_months(record.get("start_date"), None)
    if record_span:
        first = min(first, record_span[0] // length)
    end_span = period_months(None, record.get("end_date"))
    if end_span:
        last = max(last, end_span[1] // length)
    reported = len(values)
    if all(observation.get("cumulative") for _, observation in dated):
        ordered = sorted(values.items())
        values = {b: vb - va for (a, va), (b, vb) in zip(ordered, ordered[1:], strict=False)
                  if b == a + 1}
        period = PERIOD_NAMES.get(length, f"{length}-month period")
        caveats.append(f"{name}: cumulative values turned into per-{period} increments "
                       "(first period and gaps dropped)")
    return Series(kpi, length, first, last, reported, values, caveats)


def periodic_series(record: dict) -> tuple[list[Series], list[str]]:
    """The record's periodic KPI series, and why each other KPI is not one."""
    series, reasons = [], []
    for kpi in record.get("kpis") or ():
        result = _series(kpi, record)
        if isinstance(result, str):
            reasons.append(result)
        else:
            series.append(result)
    return series, reasons


def _no_series(record: dict, reasons: list[str]) -> MetricValue:
    if not record.get("kpis"):
        return MetricValue.missing("no KPIs reported")
    return MetricValue.missing("no periodic KPI series: " + "; ".join(reasons))


def _main_series(record: dict, minimum: int) -> Series | MetricValue:
    series, reasons = periodic_series(record)
    if not series:
        return _no_series(record, reasons)
    main = max(series, key=lambda s: (len(s.values), s.kpi.get("kind") == "outcome"))
    if len(main.values) < minimum:
        return MetricValue.missing(
            f"KPI {main.name!r} has {len(main.values)} usable values; {minimum} are needed")
    return main


def kpi_months(record: dict, context: MetricContext) -> MetricValue:
    """Distinct months covered by dated KPI observations, across all KPIs."""
    months: set[int] = set()
    long_observations = 0
    for kpi in record.get("kpis") or ():
        for observation in kpi.get("observations") or ():
            span = period_months(observation.get("period_start"), observation.get("period_end"))
            if span is None or observation.get("value") is None:
                continue
            months.update(range(span[0], span[1] + 1))
            long_observations += span[1] - span[0] + 1 > 12
    if not months:
        return MetricValue.missing("no dated KPI observations" if record.get("kpis")
                                   else "no KPIs reported")
    first, last = _label(min(months), 1), _label(max(months), 1)
    steps = [f"KPI observations cover {len(months)} distinct months between {first} and {last}"]
    caveats = [source_caveat(record)]
    if long_observations:
        caveats.append(f"{long_observations} observation(s) cover more than a year each: "
                       "totals over a period, not monthly data")
    return MetricValue.of(len(months), "months", {"first": first, "last": last}, steps, caveats)


def periods_reported(record: dict, context: MetricContext) -> MetricValue:
    """Reported periods as a share of the periods between the first and the last."""
    series, reasons = periodic_series(record)
    if not series:
        return _no_series(record, reasons)
    steps = [f"{s.name}: {s.reported} of {s.expected} {s.period}s reported "
             f"({_label(s.first, s.length)} to {_label(s.last, s.length)})" for s in series]
    reported = sum(s.reported for s in series)
    expected = sum(s.expected for s in series)
    value = 100 * reported / expected
    steps.append(f"{reported} / {expected} x 100 = {fmt(value)} %")
    caveats = ["expected periods run from the first observation (or the start date) to the "
               "last observation (or the end date)", source_caveat(record)]
    return MetricValue.of(value, "% of periods", {"reported": reported, "expected": expected},
                          steps, caveats)


def trend(record: dict, context: MetricContext) -> MetricValue:
    """Least-squares slope of the main series, as % of its mean per period, good way up."""
    main = _main_series(record, 3)
    if isinstance(main, MetricValue):
        return main
    x = list(main.values)
    y = list(main.values.values())
    mean = statistics.fmean(y)
    if mean == 0:
        return MetricValue.missing(f"KPI {main.name!r} has a mean of 0: no relative trend")
    slope = statistics.linear_regression(x, y).slope
    sign = -1 if main.kpi.get("direction") == "lower" else 1
    value = sign * 100 * slope / abs(mean)
    steps = [f"{main.name}: {len(y)} values, slope {fmt(slope)} per {main.period}, "
             f"mean {fmt(mean)}",
             f"{'-' if sign < 0 else ''}{fmt(slope)} / {fmt(abs(mean))} x 100 = {fmt(value)} % "
             f"of the mean per {main.period}"]
    caveats = [*main.caveats, source_caveat(record)]
    if main.kpi.get("direction") is None:
        caveats.append(f"{main.name}: direction not stated, higher assumed better")
    inputs = {"kpi": main.name, "values": y, "slope": slope, "mean": mean}
    return MetricValue.of(value, f"% of mean per {main.period}", inputs, steps, caveats)


def variation(record: dict, context: MetricContext) -> MetricValue:
    """Coefficient of variation of the main series: sample standard deviation / mean."""
    main = _main_series(record, 3)
    if isinstance(main, MetricValue):
        return main
    y = list(main.values.values())
    mean = statistics.fmean(y)
    if mean <= 0:
        return MetricValue.missing(f"KPI {main.name!r} has a mean of {fmt(mean)}: CV undefined")
    sd = statistics.stdev(y)
    value = 100 * sd / mean
    steps = [f"{main.name}: {len(y)} values, mean {fmt(mean)}, standard deviation {fmt(sd)}",
             f"{fmt(sd)} / {fmt(mean)} x 100 = {fmt(value)} %"]
    caveats = [*main.caveats, source_caveat(record)]
    inputs = {"kpi": main.name, "values": y, "mean": mean, "sd": sd}
    return MetricValue.of(value, "%", inputs, steps, caveats)


METRICS = [
    MetricDefinition(
        id="kpi_months",
        label={"en": "Months of KPI data", "es": "Meses con datos de indicadores",
               "fr": "Mois de données d'indicateurs"},
        unit="months",
        direction="higher",
        inputs=OBSERVATIONS[:3],
        func=kpi_months,
        description="Distinct months covered by dated KPI observations.",
    ),
    MetricDefinition(
        id="kpi_periods_reported",
        label={"en": "KPI periods reported", "es": "Periodos de indicadores reportados",
               "fr": "Périodes d'indicateurs renseignées"},
        unit="% of periods",
        direction="higher",
        inputs=(*OBSERVATIONS, "start_date", "end_date"),
        func=periods_reported,
        description="Share of the periods of periodic KPI series that have a value.",
    ),
    MetricDefinition(
        id="kpi_trend",
        label={"en": "KPI trend (per period, good direction up)",
               "es": "Tendencia del indicador (por periodo, sentido favorable)",
               "fr": "Tendance de l'indicateur (par période, sens favorable)"},
        unit="% of mean per period",
        direction="higher",
        inputs=(*OBSERVATIONS, "kpis.direction"),
        func=trend,
        description="Least-squares slope of the longest series, signed so improvement is > 0.",
    ),
    MetricDefinition(
        id="kpi_cv",
        label={"en": "KPI variability (coefficient of variation)",
               "es": "Variabilidad del indicador (coeficiente de variación)",
               "fr": "Variabilité de l'indicateur (coefficient de variation)"},
        unit="%",
        direction="lower",
        inputs=OBSERVATIONS,
        func=variation,
        description="Standard deviation / mean of the longest series: steadier is lower.",
    ),
]
