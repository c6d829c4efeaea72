"""Money conversion against hand computations, and the shipped tables' coverage and metadata."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest

from plugins.metrics.inputs import DATA, shipped_tables
from registry.money import MoneyError, MoneyTables, months_per_year

REQUIRED_CURRENCIES = {"COP", "MXN", "USD", "EUR", "BRL", "ARS", "CLP", "PEN", "GTQ", "XOF"}
YEARS = range(2010, 2025)


@pytest.fixture(scope="module")
def tables() -> MoneyTables:
    return shipped_tables()


def test_amounts_spread_over_the_months_of_their_period():
    assert months_per_year("2016", "2019") == {2016: 12, 2017: 12, 2018: 12, 2019: 12}
    assert months_per_year("2016-07", "2018-06") == {2016: 6, 2017: 12, 2018: 6}
    assert months_per_year("2024-03-15", None) == {2024: 1}
    assert months_per_year(None, "2020") == {2020: 12}
    assert months_per_year(None, None) == {}


def test_medellin_cop_2016_2019_to_usd_2024_by_hand(tables):
    # 4 yearly parts of COP 16,506,896,217.50, each brought to 2024 prices with Colombia's CPI
    # (2024: 196.33; 2016: 126.43, 2017: 131.88, 2018: 136.15, 2019: 140.96), then converted at
    # the 2024 average rate of COP 4,071.35 per USD:
    by_hand = (
        16_506_896_217.50 * 196.33 / 126.43 / 4071.35    # 6,295,982.48
        + 16_506_896_217.50 * 196.33 / 131.88 / 4071.35  # 6,035,798.18
        + 16_506_896_217.50 * 196.33 / 136.15 / 4071.35  # 5,846,500.66
        + 16_506_896_217.50 * 196.33 / 140.96 / 4071.35  # 5,646,999.61
    )
    conversion = tables.convert(Decimal("66027584870"), "COP", start="2016", end="2019",
                                base_currency="USD", base_year=2024, country="CO")
    assert float(conversion.value) == pytest.approx(by_hand, rel=1e-12)
    assert round(conversion.value) == 23_825_281
    assert conversion.unit == "USD 2024"
    assert [p.year for p in conversion.parts] == [2016, 2017, 2018, 2019]
    assert all(p.amount == Decimal("16506896217.5") for p in conversion.parts)
    steps = "\n".join(conversion.steps)
    assert "x CPI CO 2024/2016 = 196.33/126.43" in steps
    assert "/ 4,071.35 COP per USD x 1 USD per USD (2024) -> USD 6,295,982.48" in steps
    assert "= USD 2024 23,825,280.93" in steps


def test_mexican_pesos_over_two_half_years_to_euros_of_2020(tables):
    # MXN 1,000,000 over 2016-07..2018-06: 6 months in 2016, 12 in 2017, 6 in 2018 of 24.
    # Mexican CPI 2020 = 146.36 (2016: 122.78, 2017: 130.20, 2018: 136.58); in 2020 a dollar
    # was MXN 21.486 and EUR 0.8755.
    by_hand = (
        250_000 * 146.36 / 122.78
        + 500_000 * 146.36 / 130.20
        + 250_000 * 146.36 / 136.58
    ) / 21.486 * 0.8755
    conversion = tables.convert(Decimal(1_000_000), "MXN", start="2016-07", end="2018-06",
                                base_currency="EUR", base_year=2020, country="MX")
    assert float(conversion.value) == pytest.approx(by_hand, rel=1e-12)
    assert [(p.year, p.months) for p in conversion.parts] == [(2016, 6), (2017, 12), (2018, 6)]


def test_ppp_conversion_by_hand(tables):
    # 2024: COP 1,507.6 and MXN 10.279 buy what an international dollar buys; EUR 0.7130 in
    # the euro area. Same year, so no price adjustment.
    to_usd = tables.convert(Decimal("1507600"), "COP", start="2024", base_currency="USD",
                            base_year=2024, basis="ppp", country="CO")
    assert to_usd.value == Decimal(1000)
    assert to_usd.unit == "USD PPP 2024"
    to_eur = tables.convert(Decimal("1027900"), "MXN", start="2024", base_currency="EUR",
                            base_year=2024, basis="ppp", country="MX")
    assert to_eur.value == Decimal("71300")
    assert any("PA.NUS.PPP" in s for s in to_eur.steps)


def test_same_currency_is_only_brought_to_the_base_year(tables):
    conversion = tables.convert(Decimal(1000), "USD", start="2019", base_currency="USD",
                                base_year=2024)
    assert float(conversion.value) == pytest.approx(1000 * 143.85 / 117.23)
    assert not any("per USD" in s for s in conversion.steps)


def test_the_default_base_year_is_the_latest_in_the_tables(tables):
    conversion = tables.convert(Decimal(1), "EUR", start="2024", base_currency="USD")
    assert conversion.base_year == 2024 == tables.latest_year


def test_prices_of_the_country_where_the_money_was_spent(tables):
    def area(currency, country=None):
        return tables.convert(Decimal(1), currency, start="2015", base_currency="USD",
                              country=country).area

    assert area("XOF", "CI") == "CI"
    assert area("XOF") == "SN"  # Senegal stands for the CFA franc (no WAEMU aggregate)
    assert area("EUR", "ES") == "ES"
    assert area("EUR") == "XC"
    assert area("USD", "CO") == "US"  # dollars spent in Colombia: US prices
    assert area("USD", "EC") == "EC"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"currency": "XYZ"}, "unknown currency 'XYZ': the tables cover ARS, BOB"),
        ({"base_currency": "JPY"}, "unknown currency 'JPY'"),
        ({"start": "2009"}, r"no price index for CO \(Colombia\) in 2009: the table covers "
                            "2010-2024"),
        ({"base_year": 2031}, "in 2031: the table covers 2010-2024"),
        ({"basis": "nominal"}, "basis must be 'market' or 'ppp', not 'nominal'"),
        ({"start": None}, "COP 100.00 has no period"),
        ({"start": "2019", "end": "2016"}, "ends before it starts"),
    ],
)
def test_clear_errors(tables, kwargs, message):
    arguments = {"currency": "COP", "start": "2016", "base_currency": "USD", "country": "CO",
                 **kwargs}
    with pytest.raises(MoneyError, match=message):
        tables.convert(Decimal(100), **arguments)


def _rows(name: str) -> list[dict]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_tables_cover_the_currencies_areas_and_years(tables):
    assert set(tables.homes) >= REQUIRED_CURRENCIES
    for currency in tables.homes:
        assert all((currency, y) in tables.exchange_rates for y in YEARS), currency
    for area in tables.areas:
        assert all((area, y) in tables.price_index for y in YEARS), area
        assert all((area, y) in tables.ppp for y in YEARS), area
        assert tables.price_index[(area, 2010)] == 100
    assert set(tables.homes.values()) <= set(tables.areas)


def test_table_values_are_realistic(tables):
    for year in YEARS:
        assert tables.exchange_rates[("USD", year)] == 1
        xof_per_eur = tables.exchange_rates[("XOF", year)] / tables.exchange_rates[("EUR", year)]
        assert xof_per_eur == pytest.approx(Decimal("655.957"), rel=Decimal("0.001"))
        for currency, area in tables.homes.items():
            # price level = PPP factor / market rate: poorer economies are cheaper, none is
            # five times cheaper or 60 % dearer than the United States
            level = tables.ppp[(area, year)] / tables.exchange_rates[(currency, year)]
            assert Decimal("0.2") < level < Decimal("1.6"), (area, year, level)
    assert tables.exchange_rates[("COP", 2016)] == Decimal("3054.12")
    assert tables.exchange_rates[("MXN", 2020)] == Decimal("21.486")


def test_tables_state_source_licence_vintage_and_that_they_were_transcribed(tables):
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert "World Development Indicators" in package["sources"][0]["title"]
    assert package["vintage"] and package["transcribed"]
    assert "TRANSCRIBED" in package["description"] and "refreshed" in package["description"]
    indicators = {r["name"]: r.get("indicator") for r in package["resources"]}
    assert indicators == {"areas": None, "exchange_rates": "PA.NUS.FCRF",
                          "cpi": "FP.CPI.TOTL", "ppp": "PA.NUS.PPP"}
    for name in ("exchange_rates", "cpi", "ppp"):
        cite = tables.info[name].cite()
        assert indicators[name] in cite and "CC-BY-4.0" in cite and package["vintage"] in cite
    notes = [row for row in _rows("cpi") if row["note"]]
    assert notes and all(row["area"] == "AR" for row in notes)
