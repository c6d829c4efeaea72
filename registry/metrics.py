"""Metrics for comparisons: the protocol plugins implement, their collection, and peer groups.

A metric turns one record into one number with its derivation, or into a reason why it can't.
Metrics come from plugins (``registry_metrics()``); a plugin that raises or returns garbage is
reported by name and skipped, so one bad plugin never hides the others. Peer groups compare a
practice with practices on the same theme in the same country or population band.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

import pluggy

from registry.money import BASES, Basis, MoneyTables
from registry.plugins import call_each

log = logging.getLogger(__name__)

Direction = Literal["higher", "lower"] | None
DIRECTIONS: tuple[Direction, ...] = ("higher", "lower", None)
LANGUAGES = ("en", "es", "fr")
_METRIC_ID = re.compile(r"^[a-z][a-z0-9_.-]*$")


@dataclass(frozen=True)
class MetricContext:
    """How money is made comparable; no base currency means amounts stay as reported.

    ``tables`` replaces the money tables a metric plugin ships (tests, other vintages).
    """

    base_currency: str | None = None
    base_year: int | None = None
    basis: Basis = "market"
    tables: MoneyTables | None = None

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise ValueError(f"basis must be 'market' or 'ppp', not {self.basis!r}")
        if self.base_currency is not None and not re.fullmatch(r"[A-Z]{3}", self.base_currency):
            raise ValueError(f"base currency must be an ISO 4217 code, not {self.base_currency!r}")
        if self.base_year is not None and self.base_currency is None:
            raise ValueError("a base year needs a base currency")


@dataclass(frozen=True)
class MetricValue:
    """A value with how it was derived, or the reason there is none.

    ``inputs`` are the numbers used (JSON-ready), ``steps`` the computation in words,
    ``caveats`` where definitions differ (households vs persons, gross vs net, self-reported).
    """

    value: float | None = None
    unit: str | None = None
    inputs: Mapping[str, Any] = field(default_factory=dict)
    steps: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    reason: str | None = None

    def __post_init__(self) -> None:
        if (self.value is None) == (self.reason is None):
            raise ValueError("a MetricValue has either a value or a reason, not both or neither")
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError(f"metric value must be finite, not {self.value}")

    @classmethod
    def of(
        cls,
        value: float,
        unit: str,
        inputs: Mapping[str, Any],
        steps: Iterable[str] = (),
        caveats: Iterable[str] = (),
    ) -> MetricValue:
        """A computed value."""
        return cls(float(value), unit, dict(inputs), tuple(steps), tuple(caveats))

    @classmethod
    def missing(cls, reason: str, inputs: Mapping[str, Any] | None = None) -> MetricValue:
        """No value, and why (which input is missing or unusable)."""
        return cls(inputs=dict(inputs or {}), reason=reason)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape used by the CLI, the API and exports."""
        return {
            "value": self.value,
            "unit": self.unit,
            "inputs": dict(self.inputs),
            "steps": list(self.steps),
            "caveats": list(self.caveats),
            "reason": self.reason,
        }


@runtime_checkable
class Metric(Protocol):
    """What ``registry_metrics()`` returns a list of.

    ``label`` is ``{language: text}`` with at least ``en`` (``es`` and ``fr`` expected);
    ``direction`` says which end is better (``None``: descriptive, no better end);
    ``inputs`` names the record fields read, for documentation and the compare page.
    """

    id: str
    label: Mapping[str, str]
    unit: str
    direction: Direction
    inputs: Sequence[str]

    def compute(self, record: dict, context: MetricContext) -> MetricValue:
        """The value for ``record``, or a reason; may raise (the caller reports it)."""
        ...


@dataclass(frozen=True)
class MetricDefinition:
    """A ready-made :class:`Metric` around a function, so a plugin only writes the function."""

    id: str
    label: Mapping[str, str]
    unit: str
    direction: Direction
    inputs: tuple[str, ...]
    func: Callable[[dict, MetricContext], MetricValue]
    description: str = ""

    def compute(self, record: dict, context: MetricContext | None = None) -> MetricValue:
        """Call the function; no context means amounts as reported."""
        return self.func(record, context or MetricContext())


def metric_label(metric: Metric, language: str) -> str:
    """The label in ``language``, English when that language is missing."""
    return metric.label.get(language) or metric.label["en"]


# -- collection -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisteredMetric:
    """A metric and the plugin it came from (named in every failure report)."""

    plugin: str
    metric: Metric


@dataclass
class MetricCollection:
    """The usable metrics, in plugin order, and what was wrong with the rest."""

    metrics: list[RegisteredMetric] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[RegisteredMetric]:
        return iter(self.metrics)

    def get(self, metric_id: str) -> RegisteredMetric:
        """The metric with this id; ``KeyError`` naming the known ids otherwise."""
        for entry in self.metrics:
            if entry.metric.id == metric_id:
                return entry
        known = ", ".join(e.metric.id for e in self.metrics)
        raise KeyError(f"no metric {metric_id!r}; known: {known}")


def check_metric(candidate: Any) -> list[str]:
    """What keeps ``candidate`` from being a :class:`Metric`; empty when it is one."""
    problems = []
    metric_id = getattr(candidate, "id", None)
    if not isinstance(metric_id, str) or not _METRIC_ID.match(metric_id):
        problems.append(f"id must be a lower-case identifier, not {metric_id!r}")
    label = getattr(candidate, "label", None)
    if not isinstance(label, Mapping) or not isinstance(label.get("en"), str) or not all(
        isinstance(text, str) for text in label.values()
    ):
        problems.append("label must be {language: text} with an English text")
    if not isinstance(getattr(candidate, "unit", None), str):
        problems.append("unit must be a string")
    if getattr(candidate, "direction", "missing") not in DIRECTIONS:
        problems.append("direction must be 'higher', 'lower' or None")
    inputs = getattr(candidate, "inputs", None)
    if isinstance(inputs, str) or not isinstance(inputs, Sequence) or not all(
        isinstance(name, str) for name in inputs
    ):
        problems.append("inputs must be a list of field names")
    if not callable(getattr(candidate, "compute", None)):
        problems.append("compute(record, context) is missing")
    return problems


def collect_metrics(pm: pluggy.PluginManager) -> MetricCollection:
    """Every plugin's metrics, checked; bad plugins and items are reported by plugin name.

    Each plugin's ``registry_metrics`` implementation is called on its own: calling
    ``pm.hook.registry_metrics()`` once would let the first plugin that raises hide the rest.
    On a duplicate id the first plugin (in registration order) keeps it.
    """
    collection = MetricCollection()
    owners: dict[str, str] = {}
    for plugin, result in call_each(pm, "registry_metrics", collection.problems):
        if not isinstance(result, list | tuple):
            collection.problems.append(
                f"plugin {plugin}: registry_metrics() returned {type(result).__name__}, "
                "not a list of metrics"
            )
            continue
        for position, candidate in enumerate(result):
            problems = check_metric(candidate)
            if problems:
                collection.problems.append(
                    f"plugin {plugin}: item {position} ({type(candidate).__name__}) is not a "
                    f"metric: {'; '.join(problems)}"
                )
                continue
            if candidate.id in owners:
                collection.problems.append(
                    f"plugin {plugin}: metric {candidate.id} is already defined by plugin "
                    f"{owners[candidate.id]}; skipped"
                )
                continue
            owners[candidate.id] = plugin
            collection.metrics.append(RegisteredMetric(plugin, candidate))
    return collection


def compute_all(
    record: dict, metrics: Iterable[RegisteredMetric], context: MetricContext | None = None
) -> dict[str, MetricValue]:
    """Every metric for ``record`` by id; a metric that raises or misbehaves gets a reason."""
    context = context or MetricContext()
    values = {}
    for entry in metrics:
        metric_id = entry.metric.id
        try:
            value = entry.metric.compute(record, context)
        except Exception as exc:  # one metric's bug must not hide the others
            log.exception("metric %s of plugin %s failed", metric_id, entry.plugin)
            value = MetricValue.missing(
                f"metric {metric_id} of plugin {entry.plugin} failed: {type(exc).__name__}: {exc}"
            )
        if not isinstance(value, MetricValue):
            value = MetricValue.missing(
                f"metric {metric_id} of plugin {entry.plugin} failed: compute returned "
                f"{type(value).__name__}, not a MetricValue"
            )
        values[metric_id] = value
    return values


# -- peer groups ----------------------------------------------------------------------------

#: Upper bounds of the population bands (inhabitants); the last band is open-ended.
POPULATION_BANDS: tuple[tuple[int, str], ...] = (
    (50_000, "under 50k"),
    (250_000, "50k-250k"),
    (1_000_000, "250k-1M"),
    (5_000_000, "1M-5M"),
)
Place = Literal["country", "population_band", "country_or_band", "anywhere"]


def population_band(population: int | float | None) -> str | None:
    """The band of a jurisdiction's population, e.g. ``1M-5M``; None when unknown."""
    if population is None:
        return None
    for bound, label in POPULATION_BANDS:
        if population < bound:
            return label
    return "5M and more"


def _population(record: dict) -> int | float | None:
    population = (record.get("jurisdiction") or {}).get("population") or {}
    return population.get("value")


def _themes(record: dict) -> set[str]:
    themes = set()
    for tag in record.get("tags") or ():
        scheme, code = tag.get("scheme"), tag.get("code")
        if code and scheme == "venice_declaration":
            themes.add(code)
        elif code and scheme == "sdg_target":
            themes.add(f"SDG target {code}")
    for group in record.get("target_groups") or ():
        if group.get("code"):
            themes.add(f"target group {group['code']}")
    return themes


@dataclass(frozen=True)
class Peer:
    """A peer practice and what it shares with the practice being compared."""

    record: dict
    shared: tuple[str, ...]


def select_peers(
    record: dict, records: Iterable[dict], place: Place = "country_or_band"
) -> list[Peer]:
    """Practices sharing a V.D. tag, SDG target or target group with ``record``, and a place.

    ``place`` is the second condition: same country, same population band, either, or none.
    Peers sharing more come first; ``record`` itself (same object or same id) is left out.
    """
    themes = _themes(record)
    country = (record.get("jurisdiction") or {}).get("country")
    band = population_band(_population(record))
    peers = []
    for other in records:
        if other is record or (record.get("id") and other.get("id") == record.get("id")):
            continue
        shared = sorted(themes & _themes(other))
        if not shared:
            continue
        same_country = bool(country) and (other.get("jurisdiction") or {}).get("country") == country
        same_band = band is not None and population_band(_population(other)) == band
        places = {
            "country": same_country,
            "population_band": same_band,
            "country_or_band": same_country or same_band,
            "anywhere": True,
        }
        if not places[place]:
            continue
        if same_country:
            shared.append(f"country {country}")
        if same_band:
            shared.append(f"population {band}")
        peers.append(Peer(other, tuple(shared)))
    return sorted(peers, key=lambda p: -len(p.shared))


def percentile(value: float, peers: Sequence[float], direction: Direction) -> float:
    """Share of peers ``value`` does better than, in percent; ties count half.

    100 means better than every peer. ``lower`` direction: smaller is better. With no
    direction (a descriptive metric) it is the plain share of peers below ``value``.
    """
    if not peers:
        raise ValueError("a percentile needs at least one peer value")
    if direction == "lower":
        beaten = sum(1 for p in peers if p > value)
    else:
        beaten = sum(1 for p in peers if p < value)
    ties = sum(1 for p in peers if p == value)
    return 100.0 * (beaten + 0.5 * ties) / len(peers)


@dataclass(frozen=True)
class PeerRank:
    """Where a practice stands among its peers for one metric."""

    metric_id: str
    value: MetricValue
    percentile: float | None
    peers_used: int
    peers_without: int
    reason: str | None = None


def peer_ranks(
    record: dict,
    peers: Iterable[dict],
    metrics: Iterable[RegisteredMetric],
    context: MetricContext | None = None,
) -> dict[str, PeerRank]:
    """The percentile of ``record`` among ``peers`` for each metric.

    Only peer values in the same unit count (COP per household is not USD per person); use a
    base currency in ``context`` to make money metrics comparable across countries.
    """
    metrics = list(metrics)
    own = compute_all(record, metrics, context)
    peer_values = [compute_all(peer, metrics, context) for peer in peers]
    ranks = {}
    for entry in metrics:
        metric_id = entry.metric.id
        mine = own[metric_id]
        values = [
            theirs.value
            for theirs in (v[metric_id] for v in peer_values)
            if theirs.value is not None and theirs.unit == mine.unit
        ]
        without = len(peer_values) - len(values)
        if mine.value is None:
            rank, reason = None, mine.reason
        elif not values:
            rank, reason = None, f"no peer has a value in {mine.unit}"
        else:
            rank, reason = percentile(mine.value, values, entry.metric.direction), None
        ranks[metric_id] = PeerRank(metric_id, mine, rank, len(values), without, reason)
    return ranks
