"""Money made comparable: amounts to a base currency and base year with shipped, dated tables.

Method (as in the Campbell and Cochrane Economic Methods Group / EPPI-Centre cost converter):
an amount is spread over the years of its period in proportion to the months that fall in each
year; each yearly part is brought to base-year prices with the price index of the area where it
was spent, then converted at the base year's market exchange rates or PPP factors. Every step
names the rate it used, so a figure can be checked by hand. The tables come from a Frictionless
data package (``datapackage.json`` next to the CSV files) that states source, licence and
vintage; nothing is fetched at run time.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

Basis = Literal["market", "ppp"]
BASES: tuple[Basis, ...] = ("market", "ppp")


class MoneyError(ValueError):
    """An amount that cannot be converted: unknown currency, area or year, or a bad option."""


# -- partial-date periods -----------------------------------------------------------------


def month_number(date: str, *, end: bool = False) -> int:
    """Months since year 0 of a partial ISO date; as an ``end``, ``2019`` means its December."""
    parts = date.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else (12 if end else 1)
    except ValueError as exc:
        raise MoneyError(f"{date!r} is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)") from exc
    if not 1 <= month <= 12:
        raise MoneyError(f"{date!r} has no month {month}")
    return year * 12 + month - 1


def period_months(start: str | None, end: str | None) -> tuple[int, int] | None:
    """First and last month (inclusive) of a partial-date period; a lone date is its own span."""
    if not start and not end:
        return None
    first = month_number(start or end or "")
    last = month_number(end or start or "", end=True)
    if last < first:
        raise MoneyError(f"period {start}..{end} ends before it starts")
    return first, last


def months_per_year(start: str | None, end: str | None) -> dict[int, int]:
    """How many months of the period fall in each calendar year (the weights of the spread)."""
    span = period_months(start, end)
    if span is None:
        return {}
    counts: dict[int, int] = {}
    for month in range(span[0], span[1] + 1):
        counts[month // 12] = counts.get(month // 12, 0) + 1
    return counts


# -- tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableInfo:
    """Where a table comes from, cited in every derivation that uses it."""

    name: str
    title: str
    indicator: str | None
    source: str
    licence: str
    vintage: str

    def cite(self) -> str:
        """One line naming source, indicator, vintage and licence."""
        code = f" {self.indicator}" if self.indicator else ""
        return f"{self.title}: {self.source}{code}, {self.vintage}, licence {self.licence}"


@dataclass(frozen=True)
class YearPart:
    """One year's share of an amount and what it became."""

    year: int
    months: int
    amount: Decimal
    converted: Decimal
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Conversion:
    """A converted amount with everything needed to redo it by hand."""

    amount: Decimal
    currency: str
    start: str | None
    end: str | None
    value: Decimal
    base_currency: str
    base_year: int
    basis: Basis
    area: str
    parts: tuple[YearPart, ...]
    sources: tuple[str, ...]

    @property
    def unit(self) -> str:
        """``USD 2024`` at market rates, ``USD PPP 2024`` at purchasing power parity."""
        ppp = " PPP" if self.basis == "ppp" else ""
        return f"{self.base_currency}{ppp} {self.base_year}"

    @property
    def steps(self) -> list[str]:
        """The derivation as lines of text: the parts, their sum, the tables cited."""
        bounds = dict.fromkeys(b for b in (self.start, self.end) if b)
        period = "..".join(bounds)
        lines = [
            f"{self.currency} {_fmt(self.amount)} over {period} -> {self.unit} "
            f"(at {'purchasing power parity' if self.basis == 'ppp' else 'market exchange rates'})"
        ]
        for part in self.parts:
            lines.extend(part.steps)
        if len(self.parts) > 1:
            summed = " + ".join(_fmt(p.converted) for p in self.parts)
            lines.append(
                f"sum of the {len(self.parts)} parts: {summed} = {self.unit} {_fmt(self.value)}"
            )
        lines.extend(f"source: {s}" for s in self.sources)
        return lines


def _fmt(value: Decimal | float) -> str:
    return f"{value:,.2f}"


def _rate(value: Decimal) -> str:
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class MoneyTables:
    """Exchange rates (per currency), price indices and PPP factors (per area), by year."""

    def __init__(
        self,
        *,
        areas: dict[str, tuple[str, str]],
        homes: dict[str, str],
        exchange_rates: dict[tuple[str, int], Decimal],
        price_index: dict[tuple[str, int], Decimal],
        ppp: dict[tuple[str, int], Decimal],
        info: dict[str, TableInfo],
    ) -> None:
        missing = {"exchange_rates", "cpi", "ppp"} - set(info)
        if missing:
            raise MoneyError(f"tables without source information: {', '.join(sorted(missing))}")
        self.areas = areas  # area -> (name, currency)
        self.homes = homes  # currency -> area whose prices stand for it
        self.exchange_rates = exchange_rates
        self.price_index = price_index
        self.ppp = ppp
        self.info = info

    @classmethod
    def from_datapackage(cls, path: Path) -> MoneyTables:
        """Read ``datapackage.json`` and its resources: areas, exchange_rates, cpi, ppp."""
        package = json.loads(path.read_text(encoding="utf-8"))
        folder = path.parent
        resources = {r["name"]: r for r in package["resources"]}
        missing = {"areas", "exchange_rates", "cpi", "ppp"} - set(resources)
        if missing:
            raise MoneyError(f"{path}: resources missing: {', '.join(sorted(missing))}")
        source = package["sources"][0]["title"]
        info = {
            name: TableInfo(
                name=name,
                title=r.get("title", name),
                indicator=r.get("indicator"),
                source=source,
                licence=(r.get("licenses") or package["licenses"])[0]["name"],
                vintage=f"{package['vintage']}, transcribed {package['transcribed']}",
            )
            for name, r in resources.items()
        }
        areas: dict[str, tuple[str, str]] = {}
        homes: dict[str, str] = {}
        for row in _read_csv(folder / resources["areas"]["path"]):
            areas[row["area"]] = (row["name"], row["currency"])
            if row["home"] == "yes":
                homes[row["currency"]] = row["area"]

        def series(name: str, key: str, column: str) -> dict[tuple[str, int], Decimal]:
            rows = _read_csv(folder / resources[name]["path"])
            return {(row[key], int(row["year"])): Decimal(row[column]) for row in rows}

        return cls(
            areas=areas,
            homes=homes,
            exchange_rates=series("exchange_rates", "currency", "lcu_per_usd"),
            price_index=series("cpi", "area", "cpi_2010_100"),
            ppp=series("ppp", "area", "lcu_per_intl_dollar"),
            info=info,
        )

    @property
    def latest_year(self) -> int:
        """The last year of the exchange-rate table: the default base year."""
        return max(year for _, year in self.exchange_rates)

    def area_for(self, currency: str, country: str | None = None) -> str:
        """Whose prices deflate an amount: the country's if it uses the currency, else its home."""
        if country and self.areas.get(country, ("", ""))[1] == currency:
            return country
        if currency not in self.homes:
            known = ", ".join(sorted(self.homes))
            raise MoneyError(f"unknown currency {currency!r}: the tables cover {known}")
        return self.homes[currency]

    def _lookup(
        self, table: dict[tuple[str, int], Decimal], name: str, key: str, year: int
    ) -> Decimal:
        try:
            return table[(key, year)]
        except KeyError:
            years = sorted(y for k, y in table if k == key)
            label = self.areas.get(key, (key,))[0]
            where = f"{key} ({label})" if label != key else key
            if not years:
                raise MoneyError(f"no {name} for {where} in the tables") from None
            raise MoneyError(
                f"no {name} for {where} in {year}: the table covers {years[0]}-{years[-1]}"
            ) from None

    def convert(
        self,
        amount: Decimal,
        currency: str,
        *,
        start: str | None,
        end: str | None = None,
        base_currency: str,
        base_year: int | None = None,
        basis: Basis = "market",
        country: str | None = None,
    ) -> Conversion:
        """``amount`` of ``currency`` spent over ``start..end`` in ``base_currency``.

        Prices are those of ``base_year``, by default the last year the tables cover.
        ``country`` (ISO 3166-1 alpha-2, where the money was spent) picks the price index and
        PPP factor when it uses ``currency``; otherwise the currency's home area stands for it.
        """
        if basis not in BASES:
            raise MoneyError(f"basis must be 'market' or 'ppp', not {basis!r}")
        year = self.latest_year if base_year is None else base_year
        area = self.area_for(currency, country)
        base_area = self.area_for(base_currency)
        weights = months_per_year(start, end)
        if not weights:
            raise MoneyError(
                f"{currency} {_fmt(amount)} has no period: a year at least is needed to convert it"
            )
        total_months = sum(weights.values())
        parts = []
        for part_year, months in sorted(weights.items()):
            share = amount * months / total_months
            steps = [
                f"{part_year}: {months}/{total_months} of the amount = {currency} {_fmt(share)}"
            ]
            value = share
            if part_year != year:
                to_index = self._lookup(self.price_index, "price index", area, year)
                from_index = self._lookup(self.price_index, "price index", area, part_year)
                value = value * to_index / from_index
                steps.append(
                    f"  x CPI {area} {year}/{part_year} = {_rate(to_index)}/{_rate(from_index)}"
                    f" -> {currency} {_fmt(value)} at {year} prices"
                )
            value, step = self._exchange(
                value, currency, area, base_currency, base_area, year, basis
            )
            if step:
                steps.append(step)
            parts.append(YearPart(part_year, months, share, value, tuple(steps)))
        used = ["cpi"] if any(p.year != year for p in parts) else []
        if basis == "ppp" and area != base_area:
            used.append("ppp")
        elif basis == "market" and currency != base_currency:
            used.append("exchange_rates")
        return Conversion(
            amount=amount,
            currency=currency,
            start=start,
            end=end,
            value=sum((p.converted for p in parts), Decimal(0)),
            base_currency=base_currency,
            base_year=year,
            basis=basis,
            area=area,
            parts=tuple(parts),
            sources=tuple(self.info[name].cite() for name in used),
        )

    def _exchange(
        self,
        value: Decimal,
        currency: str,
        area: str,
        base_currency: str,
        base_area: str,
        year: int,
        basis: Basis,
    ) -> tuple[Decimal, str | None]:
        if basis == "ppp":
            if area == base_area:
                return value, None
            src = self._lookup(self.ppp, "PPP factor", area, year)
            dst = self._lookup(self.ppp, "PPP factor", base_area, year)
            out = value / src * dst
            return out, (
                f"  / {_rate(src)} {currency} per international $ ({area} {year})"
                f" x {_rate(dst)} {base_currency} per international $ ({base_area} {year})"
                f" -> {base_currency} PPP {_fmt(out)}"
            )
        if currency == base_currency:
            return value, None
        src = self._lookup(self.exchange_rates, "exchange rate", currency, year)
        dst = self._lookup(self.exchange_rates, "exchange rate", base_currency, year)
        out = value / src * dst
        return out, (
            f"  / {_rate(src)} {currency} per USD x {_rate(dst)} {base_currency} per USD"
            f" ({year}) -> {base_currency} {_fmt(out)}"
        )
