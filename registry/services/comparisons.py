"""Comparisons: practices side by side with their metrics, peer groups and percentiles.

Read-only: metrics come from plugins (``registry_metrics``), records from the practice
service. The CLI, the API, the compare page and exports all use this one place.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from registry.errors import RecordInvalid
from registry.metrics import (
    MetricCollection,
    MetricContext,
    Place,
    compute_all,
    metric_label,
    peer_ranks,
    select_peers,
)
from registry.services.practices import PracticeService, public_view

#: Record fields shown side by side on the compare page and in ``registry compare``.
SIDE_BY_SIDE = ("aims", "target_groups", "target_groups_text", "stakeholders", "kpis",
                "beneficiaries", "resources")


@dataclass(frozen=True)
class Comparison:
    """Practices, their metric values and the caveats where their definitions differ."""

    records: list[dict]
    metrics: list[dict]
    values: dict[str, dict[str, dict]]
    caveats: list[str]

    def as_dict(self) -> dict:
        return {
            "practices": [
                {"id": r["id"], "title": r["title"], "language": r["language"],
                 "jurisdiction": r["jurisdiction"],
                 **{field: r.get(field) for field in SIDE_BY_SIDE},
                 "metrics": self.values[r["id"]]}
                for r in self.records
            ],
            "metrics": self.metrics,
            "caveats": self.caveats,
        }

    def metric_table(self) -> list[dict]:
        """One row per practice and metric: the shape of the CSV export."""
        return [_metric_row(record, metric_id, value)
                for record in self.records
                for metric_id, value in self.values[record["id"]].items()]


class ComparisonService:
    def __init__(self, practices: PracticeService, metrics: MetricCollection) -> None:
        self.practices = practices
        self.metrics = metrics

    def describe_metrics(self, language: str = "en") -> list[dict]:
        return [{"id": e.metric.id, "label": metric_label(e.metric, language),
                 "unit": e.metric.unit, "direction": e.metric.direction,
                 "inputs": list(e.metric.inputs), "plugin": e.plugin}
                for e in self.metrics]

    def metric_rows(self, record: dict, context: MetricContext | None = None) -> list[dict]:
        """The metric table rows of one practice (exports)."""
        return [_metric_row(record, metric_id, value.to_dict())
                for metric_id, value in compute_all(record, self.metrics, context).items()]

    def compare(self, practice_ids: list[str], context: MetricContext | None = None,
                language: str = "en") -> Comparison:
        """Two or more practices side by side (public view: no private contacts)."""
        if len(practice_ids) < 2:
            raise RecordInvalid("a comparison needs at least two practices",
                                fields={"ids": ["give two or more practice ids"]})
        records = [public_view(self.practices.get(pid)) for pid in practice_ids]
        values = {r["id"]: {k: v.to_dict() for k, v in
                            compute_all(r, self.metrics, context).items()}
                  for r in records}
        return Comparison(records, self.describe_metrics(language), values,
                          _caveats(records, values))

    def peers(self, practice_id: str, place: Place = "country_or_band",
              context: MetricContext | None = None) -> dict:
        """The practice's peer group and its percentile within it for each metric."""
        record = self.practices.get(practice_id)
        group = select_peers(record, self.practices.iter_all(), place)
        ranks = peer_ranks(record, [p.record for p in group], self.metrics, context)
        return {
            "practice_id": practice_id,
            "place": place,
            "peers": [{"id": p.record["id"], "title": p.record["title"], "shared": list(p.shared),
                       "metrics": {k: v.to_dict() for k, v in
                                   compute_all(p.record, self.metrics, context).items()}}
                      for p in group],
            "ranks": {metric_id: {"value": rank.value.to_dict(), "percentile": rank.percentile,
                                  "peers_used": rank.peers_used,
                                  "peers_without": rank.peers_without, "reason": rank.reason}
                      for metric_id, rank in ranks.items()},
        }


def _metric_row(record: dict, metric_id: str, value: dict) -> dict:
    return {"practice_id": record["id"], "title": next(iter(record["title"].values()), ""),
            "metric": metric_id, "value": value["value"], "unit": value["unit"],
            "reason": value["reason"], "caveats": " | ".join(value["caveats"])}


def _caveats(records: list[dict], values: dict[str, dict[str, dict]]) -> list[str]:
    """Where the practices' figures do not measure the same thing."""
    caveats = []
    units = {r["id"]: sorted({b.get("unit") or "unspecified" for b in r["beneficiaries"]})
             for r in records}
    if len({tuple(u) for u in units.values() if u}) > 1:
        caveats.append("beneficiaries are counted in different units: " + "; ".join(
            f"{pid}: {', '.join(u)}" for pid, u in units.items() if u))
    seen: set[str] = set()
    for record in records:
        for metric_id, value in values[record["id"]].items():
            for caveat in value["caveats"]:
                if caveat not in seen:
                    seen.add(caveat)
                    caveats.append(f"{metric_id} ({record['id']}): {caveat}")
    money_units = {m: {values[r["id"]][m]["unit"] for r in records
                       if values[r["id"]][m]["value"] is not None}
                   for m in next(iter(values.values()), {})}
    caveats.extend(f"{m}: values are in different units ({', '.join(sorted(u))}); set a base "
                   "currency to compare them" for m, u in money_units.items() if len(u) > 1)
    return caveats


def rows_to_csv(rows: list[dict]) -> str:
    """CSV text of a list of flat dicts (metric tables, exports)."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
