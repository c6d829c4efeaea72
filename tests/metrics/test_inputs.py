"""Reasons when inputs are missing, coverage and rates, and KPI consistency by hand."""

from __future__ import annotations

import statistics

import pytest

from registry.metrics import MetricContext, compute_all
from registry.money import MoneyTables, TableInfo
from tests.metrics.records import medellin, monthly_kpi, record

FINANCING = {"type": "financing", "amount": "1200000", "currency": "MXN",
             "period_start": "2024-01", "period_end": "2024-09"}
PERSONS = {"value": 400, "unit": "personas", "kind": "reached"}


def values_of(rec, metrics, context=None):
    return compute_all(rec, metrics, context)


def test_an_empty_record_says_what_each_metric_needs(metrics):
    values = values_of(record(), metrics)
    assert {k: v.reason for k, v in values.items()} == {
        "cost_per_beneficiary": "no financing amount in resources",
        "cost_per_outcome": "no financing amount in resources",
        "annual_cost": "no financing amount in resources",
        "outcome_rate": "no beneficiaries reported",
        "coverage": "the jurisdiction's population is not known",
        "staff_per_1000_beneficiaries": "no staff headcount in resources",
        "kpi_months": "no KPIs reported",
        "kpi_periods_reported": "no KPIs reported",
        "kpi_trend": "no KPIs reported",
        "kpi_cv": "no KPIs reported",
    }


def test_planned_beneficiaries_are_not_reached(metrics):
    rec = record(resources=[FINANCING],
                 beneficiaries=[{"value": 60000, "unit": "households", "kind": "planned"}])
    value = values_of(rec, metrics)["cost_per_beneficiary"]
    assert value.reason == (
        "only planned beneficiaries are reported (60,000 households), none reached"
    )
    assert value.inputs["total_cost"] == "1200000.00"


def test_amounts_in_several_currencies_need_a_base_currency(metrics):
    usd = {**FINANCING, "amount": "50000", "currency": "USD"}
    rec = record(resources=[FINANCING, usd], beneficiaries=[PERSONS],
                 jurisdiction={"name": "San Luis Potosí", "country": "MX", "population": None})
    assert values_of(rec, metrics)["cost_per_beneficiary"].reason == (
        "financing in several currencies (MXN, USD): choose a base currency to add them up"
    )
    value = values_of(rec, metrics, MetricContext(base_currency="USD", base_year=2024))[
        "cost_per_beneficiary"]
    # same year as the base: MXN 1,200,000 / 18.305 MXN per USD + USD 50,000, for 400 persons
    assert value.value == pytest.approx((1_200_000 / 18.305 + 50_000) / 400)
    assert value.unit == "USD 2024 per person"
    assert value.inputs["original"] == ["MXN 1200000", "USD 50000"]


def test_an_undated_amount_cannot_be_converted_or_annualised(metrics):
    undated = {"type": "financing", "amount": "1000", "currency": "COP"}
    rec = record(resources=[undated], beneficiaries=[PERSONS])
    assert values_of(rec, metrics)["annual_cost"].reason.startswith("financing has no period")
    converted = values_of(rec, metrics, MetricContext(base_currency="USD"))
    assert converted["cost_per_beneficiary"].reason == (
        "cannot convert COP 1,000: COP 1,000.00 has no period: a year at least is needed "
        "to convert it"
    )


def test_the_record_dates_stand_in_for_a_resource_without_period(metrics):
    undated = {"type": "financing", "amount": "900", "currency": "COP"}
    rec = record(resources=[undated], start_date="2024-01", end_date="2024-09")
    value = values_of(rec, metrics)["annual_cost"]
    assert value.value == pytest.approx(1200)
    assert "annualised from 9 months" in " ".join(value.caveats)


def test_money_tables_can_be_replaced_through_the_context(metrics):
    tiny = MoneyTables(
        areas={"MX": ("Mexico", "MXN"), "US": ("United States", "USD")},
        homes={"MXN": "MX", "USD": "US"},
        exchange_rates={("MXN", 2024): 20, ("USD", 2024): 1},
        price_index={}, ppp={},
        info={name: TableInfo(name, name, None, "test", "CC0", "today")
              for name in ("exchange_rates", "cpi", "ppp")},
    )
    rec = record(resources=[FINANCING], beneficiaries=[PERSONS],
                 jurisdiction={"name": "X", "country": "MX", "population": None})
    context = MetricContext(base_currency="USD", base_year=2024, tables=tiny)
    value = values_of(rec, metrics, context)["cost_per_beneficiary"]
    assert value.value == 1_200_000 / 20 / 400
    assert "source: exchange_rates: test, today, licence CC0" in value.steps


def test_coverage_counts_persons_only(metrics):
    population = {"value": 900_000, "year": 2020}
    persons = record(beneficiaries=[PERSONS], jurisdiction={
        "name": "San Luis Potosí", "country": "MX", "population": population})
    value = values_of(persons, metrics)["coverage"]
    assert value.value == pytest.approx(100 * 400 / 900_000)
    assert value.unit == "% of population"
    assert "population of San Luis Potosí (2020): 900,000" in value.steps
    assert "not of the target group" in " ".join(value.caveats)
    households = medellin()
    households["jurisdiction"]["population"] = {"value": 2_533_424, "year": 2018}
    assert "counted in households and the population in persons" in \
        values_of(households, metrics)["coverage"].reason
    schools = record(beneficiaries=[{"value": 12, "unit": "schools"}],
                     jurisdiction={"name": "X", "country": "MX", "population": population})
    assert values_of(schools, metrics)["coverage"].reason == (
        "beneficiaries are counted in 'schools', not persons"
    )


def test_outcome_rate_needs_the_same_unit(metrics):
    rec = medellin()
    rec["kpis"][0]["unit"] = "personas"
    assert values_of(rec, metrics)["outcome_rate"].reason == (
        "outcomes are counted in personas, beneficiaries in households: not a rate"
    )
    rec["kpis"][0]["unit"] = "%"
    assert values_of(rec, metrics)["outcome_rate"].reason.startswith("no outcome KPI")


def test_reached_figures_per_period_are_summed(metrics):
    rec = record(resources=[{**FINANCING, "currency": "USD", "amount": "900"}], beneficiaries=[
        {"value": 100, "unit": "children", "kind": "reached", "period_start": "2022",
         "period_end": "2022"},
        {"value": 200, "unit": "children", "kind": "reached", "period_start": "2023",
         "period_end": "2023"},
        {"value": 999, "unit": "children", "kind": "planned"},
    ])
    value = values_of(rec, metrics)["cost_per_beneficiary"]
    assert value.value == 3
    assert value.unit == "USD per person"
    assert "counted in children (persons), not households" in value.caveats


# -- KPI consistency ------------------------------------------------------------------------

SERIES = {"2024-01": 100, "2024-02": 110, "2024-04": 120, "2024-05": 130, "2024-06": 125,
          "2024-07": 140, "2024-08": 150, "2024-09": 160}  # March missing


def test_monthly_series_by_hand(metrics):
    rec = record(kpis=[monthly_kpi(SERIES)], start_date="2024-01", end_date="2024-09")
    values = values_of(rec, metrics)
    assert values["kpi_months"].value == 8
    assert values["kpi_periods_reported"].value == pytest.approx(100 * 8 / 9)
    assert "children enrolled: 8 of 9 months reported (2024-01 to 2024-09)" in \
        values["kpi_periods_reported"].steps
    # least squares on month numbers 0, 1, 3, 4, 5, 6, 7, 8 (January = 0)
    x = [0, 1, 3, 4, 5, 6, 7, 8]
    y = [100, 110, 120, 130, 125, 140, 150, 160]
    mx, my = sum(x) / 8, sum(y) / 8  # 4.25, 129.375
    slope = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sum(
        (a - mx) ** 2 for a in x)
    assert values["kpi_trend"].value == pytest.approx(100 * slope / my)
    assert values["kpi_trend"].unit == "% of mean per month"
    sd = (sum((b - my) ** 2 for b in y) / 7) ** 0.5
    assert values["kpi_cv"].value == pytest.approx(100 * sd / my)


def test_a_falling_kpi_that_should_fall_trends_up(metrics):
    falling = {"2024-01": 30, "2024-02": 25, "2024-03": 20}
    better = values_of(record(kpis=[monthly_kpi(falling, direction="lower")]), metrics)
    worse = values_of(record(kpis=[monthly_kpi(falling, direction="higher")]), metrics)
    assert better["kpi_trend"].value == pytest.approx(-worse["kpi_trend"].value)
    assert better["kpi_trend"].value == pytest.approx(100 * 5 / 25)
    unstated = values_of(record(kpis=[monthly_kpi(falling, direction=None)]), metrics)
    assert "direction not stated" in " ".join(unstated["kpi_trend"].caveats)


def test_quarters_from_the_observation_periods_and_cumulative_values(metrics):
    quarters = [("2022-01", "2022-03", 10), ("2022-04", "2022-06", 25),
                ("2022-07", "2022-09", 45), ("2022-10", "2022-12", 70)]
    kpi = {"name": "families housed", "kind": "outcome", "unit": "families", "frequency": None,
           "direction": "higher", "observations": [
               {"period_start": a, "period_end": b, "value": v, "cumulative": True}
               for a, b, v in quarters]}
    values = values_of(record(kpis=[kpi]), metrics)
    assert values["kpi_periods_reported"].value == 100
    # increments 15, 20, 25: mean 20, slope 5 per quarter
    assert values["kpi_trend"].value == pytest.approx(25)
    assert values["kpi_trend"].unit == "% of mean per quarter"
    assert values["kpi_cv"].value == pytest.approx(100 * statistics.stdev([15, 20, 25]) / 20)
    assert "cumulative values turned into per-quarter increments" in \
        " ".join(values["kpi_cv"].caveats)


def test_too_short_or_mixed_series_say_why(metrics):
    two = values_of(record(kpis=[monthly_kpi({"2024-01": 1, "2024-02": 2})]), metrics)
    assert two["kpi_periods_reported"].value == 100
    assert two["kpi_trend"].reason == "KPI 'children enrolled' has 2 usable values; 3 are needed"
    mixed = monthly_kpi({"2024-01": 1}, frequency=None)
    mixed["observations"].append({"period_start": "2024-02", "period_end": "2024-04", "value": 3})
    assert values_of(record(kpis=[mixed]), metrics)["kpi_cv"].reason == (
        "no periodic KPI series: KPI 'children enrolled' has observations of different lengths "
        "(1, 3 months)"
    )
    empty = values_of(record(kpis=[monthly_kpi({})]), metrics)
    assert empty["kpi_months"].reason == "no dated KPI observations"
