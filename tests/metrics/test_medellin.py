"""Seed 001 (Medellín, #SDGAction33691): the figures issue 7 asks for, by hand and by import."""

from __future__ import annotations

import hashlib

import pytest

from registry.metrics import MetricContext, compute_all
from registry.schema import GoodPractice
from tests.conftest import SEED_FILES
from tests.metrics.records import medellin

COST = 66_027_584_870  # COP, "inversión de $ 66.027.584.870, durante los años 2016-2019"
HOUSEHOLDS = 60_000  # "Más de 60.000 hogares vulnerables"
OUT_OF_POVERTY = 21_366  # "21.366 hogares que superaron su condición de pobreza"


def test_the_hand_built_record_follows_the_contract():
    assert GoodPractice().validate(medellin()) == {}


def test_cost_per_household_reached(metrics):
    value = compute_all(medellin(), metrics)["cost_per_beneficiary"]
    assert value.value == pytest.approx(COST / HOUSEHOLDS)
    assert round(value.value) == 1_100_460
    assert value.unit == "COP per household"
    assert value.inputs["total_cost"] == "66027584870.00"
    assert value.inputs["beneficiaries"] == HOUSEHOLDS
    assert value.steps[-1] == (
        "COP 66,027,584,870 / 60,000 households = COP 1,100,459.75 per household"
    )
    assert any("households" in c and "not persons" in c for c in value.caveats)
    assert any("self-reported" in c and "sdg_action" in c for c in value.caveats)


def test_cost_per_household_out_of_poverty_is_gross(metrics):
    value = compute_all(medellin(), metrics)["cost_per_outcome"]
    assert value.value == pytest.approx(COST / OUT_OF_POVERTY)
    assert round(value.value) == 3_090_311
    assert value.unit == "COP per household"
    assert value.inputs["outcomes"] == OUT_OF_POVERTY
    assert any(c.startswith("gross") and "counterfactual" in c for c in value.caveats)


def test_annual_cost_over_2016_2019(metrics):
    value = compute_all(medellin(), metrics)["annual_cost"]
    assert value.value == pytest.approx(COST / 4)  # 16,506,896,217.50 a year
    assert value.unit == "COP per year"
    assert value.inputs["months"] == 48


def test_outcome_rate_and_staff_intensity(metrics):
    values = compute_all(medellin(), metrics)
    assert values["outcome_rate"].value == pytest.approx(100 * OUT_OF_POVERTY / HOUSEHOLDS)
    assert values["outcome_rate"].unit == "%"
    assert values["staff_per_1000_beneficiaries"].value == pytest.approx(1200 / 60)
    assert values["staff_per_1000_beneficiaries"].unit == "staff per 1,000 households"
    assert "not full-time equivalents" in " ".join(values["staff_per_1000_beneficiaries"].caveats)


def test_what_medellin_cannot_give_says_why(metrics):
    values = compute_all(medellin(), metrics)
    assert values["coverage"].reason == "the jurisdiction's population is not known"
    assert "has 1 dated observation" in values["kpi_trend"].reason
    assert values["kpi_months"].value == 48
    assert "more than a year" in " ".join(values["kpi_months"].caveats)


def test_cost_per_household_in_2024_us_dollars(metrics):
    context = MetricContext(base_currency="USD", base_year=2024)
    value = compute_all(medellin(), metrics, context)["cost_per_beneficiary"]
    per_year = COST / 4
    by_hand = sum(per_year * 196.33 / cpi / 4071.35 for cpi in (126.43, 131.88, 136.15, 140.96))
    assert value.value == pytest.approx(by_hand / HOUSEHOLDS)
    assert value.unit == "USD 2024 per household"
    assert any("PA.NUS.FCRF" in step for step in value.steps)


def test_the_imported_seed_gives_the_same_figures(metrics):
    from plugins.importers import sdg_action
    from registry.importers import Source

    path = SEED_FILES["sdg_action"]
    text = path.read_text(encoding="utf-8")
    (importer,) = sdg_action.registry_importers()
    (record,) = importer.parse(text, Source(path.name, hashlib.sha256(text.encode()).hexdigest()))
    values = compute_all(record, metrics)
    assert round(values["cost_per_beneficiary"].value) == 1_100_460
    assert round(values["cost_per_outcome"].value) == 3_090_311
    assert values["annual_cost"].value == pytest.approx(COST / 4)
