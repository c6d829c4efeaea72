"""Reading the numbers metrics need out of a contract-v1 record, with their caveats.

Each reader returns the figure it found with the steps and caveats that go into a
derivation, or a plain string saying why there is no usable figure.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from registry.metrics import MetricContext
from registry.money import MoneyError, MoneyTables, period_months

DATA = Path(__file__).resolve().parent / "data"

_HOUSEHOLD_STEMS = ("household", "hogar", "ménage", "menage", "famil", "foyer")
_PERSON_STEMS = (
    "person", "people", "individu", "personne", "habitant", "inhabitant", "resident", "child",
    "niño", "niña", "nino", "nina", "enfant", "infant", "adolesc", "youth", "young", "joven",
    "jóvenes", "jeune", "women", "woman", "mujer", "femme", "hombre", "homme", "elder", "older",
    "mayor", "âgé", "parent", "padre", "madre", "mother", "father", "student", "estudiant",
    "élève", "alumn", "participant", "victim", "víctima", "girl", "boy", "baby", "bebé",
)
_RATE_STEMS = ("percent", "porcentaje", "pourcentage", "rate", "tasa", "taux", "ratio", "share",
               "proportion", "proporción", "score", "index", "índice", "indice")


def _has_stem(text: str | None, stems: tuple[str, ...]) -> bool:
    return any(word.startswith(stems) for word in re.findall(r"\w+", (text or "").lower()))


@functools.cache
def shipped_tables() -> MoneyTables:
    """The money tables this plugin ships (``data/datapackage.json``), read once."""
    return MoneyTables.from_datapackage(DATA / "datapackage.json")


def unit_kind(unit: str | None) -> str | None:
    """``households`` or ``persons`` for a beneficiary or outcome unit in en/es/fr, else None."""
    if _has_stem(unit, _HOUSEHOLD_STEMS):
        return "households"
    if _has_stem(unit, _PERSON_STEMS):
        return "persons"
    return None


def count_noun(unit: str | None) -> tuple[str, str]:
    """Singular and plural a per-unit figure is expressed in, the same in every language."""
    kind = unit_kind(unit)
    if kind:
        return kind.removesuffix("s"), kind
    return (unit, unit) if unit else ("beneficiary", "beneficiaries")


def unit_caveat(unit: str | None) -> str:
    """Says what is counted, so per-household and per-person figures are not mixed up."""
    kind = unit_kind(unit)
    if kind == "households":
        return f"counted in {unit}, not persons: compare only with per-household figures"
    if kind == "persons":
        return f"counted in {unit} (persons), not households"
    if unit:
        return f"counted in {unit!r}: neither households nor persons, compare with care"
    return "unit of the count not stated"


def source_caveat(record: dict) -> str:
    """Every figure in a record is what its source says; say which source."""
    source = (record.get("provenance") or {}).get("format") or "unknown source"
    return f"self-reported figures ({source} record), not independently verified"


def fmt(value: float | Decimal) -> str:
    """A number as written in a derivation: thousands separators, cents only when there are."""
    return f"{value:,.2f}".removesuffix(".00")


@dataclass
class Figure:
    """A number read from a record, with its unit, how it was read and what to beware of."""

    value: float
    unit: str | None
    inputs: dict = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)


def reached_beneficiaries(record: dict) -> Figure | str:
    """The number of beneficiaries reached (not planned)."""
    entries = [b for b in record.get("beneficiaries") or () if b.get("value") is not None]
    reached = [b for b in entries if b.get("kind", "reached") == "reached"]
    if not reached:
        if entries:
            planned = "; ".join(f"{fmt(b['value'])} {b.get('unit') or ''}".strip() for b in entries)
            return f"only planned beneficiaries are reported ({planned}), none reached"
        return "no beneficiaries reported"
    caveats: list[str] = []
    units = {b.get("unit") for b in reached}
    spans = [period_months(b.get("period_start"), b.get("period_end")) for b in reached]
    if len(reached) == 1:
        chosen = reached[0]
        value = float(chosen["value"])
        step = f"beneficiaries reached: {fmt(value)} {chosen.get('unit') or ''}".rstrip()
    elif len(units) == 1 and all(spans) and _disjoint([s for s in spans if s]):
        chosen = reached[0]
        value = float(sum(b["value"] for b in reached))
        parts = " + ".join(fmt(b["value"]) for b in reached)
        step = f"beneficiaries reached, summed over {len(reached)} periods: {parts} = {fmt(value)}"
        caveats.append("summed over periods: anyone reached in several periods counts again")
    else:
        chosen = max(reached, key=lambda b: b["value"])
        value = float(chosen["value"])
        step = (f"beneficiaries reached: the largest of {len(reached)} figures, "
                f"{fmt(value)} {chosen.get('unit') or ''}".rstrip())
        caveats.append(f"{len(reached)} reached-beneficiary figures reported; the largest is used")
    if value <= 0:
        return "the number of beneficiaries reached is 0"
    unit = chosen.get("unit")
    caveats.append(unit_caveat(unit))
    return Figure(value, unit, {"beneficiaries": value, "beneficiary_unit": unit}, [step], caveats)


def _disjoint(spans: list[tuple[int, int]]) -> bool:
    ordered = sorted(spans)
    return all(a[1] < b[0] for a, b in zip(ordered, ordered[1:], strict=False))


def _is_count(kpi: dict) -> bool:
    unit = kpi.get("unit") or ""
    return "%" not in unit and not _has_stem(unit, _RATE_STEMS)


def outcome_count(record: dict, prefer_unit: str | None = None) -> Figure | str:
    """The number of outcomes (e.g. households out of poverty) from the outcome KPIs.

    Cumulative observations give their latest value, others are summed. With several outcome
    KPIs, the first counted in the same kind of unit as ``prefer_unit`` is used.
    """
    kpis = [
        k for k in record.get("kpis") or ()
        if k.get("kind") == "outcome" and _is_count(k)
        and any(o.get("value") is not None for o in k.get("observations") or ())
    ]
    if not kpis:
        return "no outcome KPI with counted observations (kind outcome, unit not a rate)"
    wanted = unit_kind(prefer_unit)
    preferred = [k for k in kpis if wanted and unit_kind(k.get("unit")) == wanted]
    kpi = (preferred or kpis)[0]
    caveats = []
    if len(kpis) > 1:
        caveats.append(f"{len(kpis)} outcome KPIs; {kpi.get('name')!r} is used")
    observations = [o for o in kpi["observations"] if o.get("value") is not None]
    cumulative = [o for o in observations if o.get("cumulative")]
    if cumulative:
        latest = max(cumulative, key=_observation_end)
        value = float(latest["value"])
        step = (f"outcomes ({kpi.get('name')}): latest cumulative value "
                f"{_period(latest)} = {fmt(value)}")
    else:
        value = float(sum(o["value"] for o in observations))
        parts = " + ".join(fmt(o["value"]) for o in observations)
        step = (f"outcomes ({kpi.get('name')}): sum of {len(observations)} periods "
                f"{parts} = {fmt(value)}")
    unit = kpi.get("unit")
    inputs = {"outcomes": value, "outcome_unit": unit, "outcome_kpi": kpi.get("name")}
    return Figure(value, unit, inputs, [step], caveats)


def _observation_end(observation: dict) -> int:
    span = period_months(observation.get("period_start"), observation.get("period_end"))
    return span[1] if span else -1


def _period(observation: dict) -> str:
    bounds = dict.fromkeys(
        b for b in (observation.get("period_start"), observation.get("period_end")) if b
    )
    return f"({'..'.join(bounds)})" if bounds else "(undated)"


def staff_headcount(record: dict) -> Figure | str:
    """People working on the practice: the sum of the staff resources' headcounts."""
    staff = [r for r in record.get("resources") or ()
             if r.get("type") == "staff" and r.get("headcount") is not None]
    if not staff:
        return "no staff headcount in resources"
    value = float(sum(r["headcount"] for r in staff))
    parts = " + ".join(fmt(r["headcount"]) for r in staff)
    step = f"staff headcount: {parts} = {fmt(value)}" if len(staff) > 1 else \
        f"staff headcount: {fmt(value)}"
    caveats = ["headcount of people, not full-time equivalents"]
    return Figure(value, "staff", {"staff": value}, [step], caveats)


@dataclass
class Cost(Figure):
    """Total financing in one currency (converted or as reported) and the months it covers."""

    months: int | None = None


def total_cost(record: dict, context: MetricContext) -> Cost | str:
    """The sum of the financing resources, converted when ``context`` names a base currency.

    A resource without its own period takes the record's start and end dates.
    """
    financing = [r for r in record.get("resources") or ()
                 if r.get("type") == "financing" and r.get("amount") is not None]
    if not financing:
        return "no financing amount in resources"
    country = (record.get("jurisdiction") or {}).get("country")
    steps: list[str] = []
    caveats = ["gross cost: total financing as reported, not net of co-funding or revenue"]
    if any(r.get("type") == "in_kind" for r in record.get("resources") or ()):
        caveats.append("in-kind contributions are not valued and not included")
    spans = []
    amounts = []
    for resource in financing:
        start = resource.get("period_start") or record.get("start_date")
        end = resource.get("period_end") or (None if resource.get("period_start")
                                             else record.get("end_date"))
        span = period_months(start, end)
        if span:
            spans.append(span)
        amount = Decimal(str(resource["amount"]))
        if context.base_currency is None:
            amounts.append((amount, resource["currency"]))
            continue
        try:
            converted = (context.tables or shipped_tables()).convert(
                amount, resource["currency"], start=start, end=end,
                base_currency=context.base_currency, base_year=context.base_year,
                basis=context.basis, country=country,
            )
        except MoneyError as exc:
            return f"cannot convert {resource['currency']} {fmt(amount)}: {exc}"
        amounts.append((converted.value, converted.unit))
        steps.extend(converted.steps)
    currencies = sorted({unit for _, unit in amounts})
    if len(currencies) > 1:
        return (f"financing in several currencies ({', '.join(currencies)}): "
                "choose a base currency to add them up")
    currency = currencies[0]
    total = sum((a for a, _ in amounts), Decimal(0))
    if len(amounts) > 1:
        parts = " + ".join(fmt(a) for a, _ in amounts)
        steps.append(f"total financing: {parts} = {currency} {fmt(total)}")
    else:
        steps.append(f"total financing: {currency} {fmt(total)}")
    months = None
    if len(spans) == len(financing):
        months = max(s[1] for s in spans) - min(s[0] for s in spans) + 1
    inputs = {"total_cost": str(total.quantize(Decimal("0.01"))), "currency": currency,
              "months": months}
    if context.base_currency:
        inputs["original"] = [f"{r['currency']} {r['amount']}" for r in financing]
    return Cost(float(total), currency, inputs, steps, caveats, months)
