"""The facets every backend counts and filters on, read from a contract-v1 record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Facet:
    """A filterable field with counts per value; ``extract(record)`` gives its values."""

    name: str
    label: str
    extract: Callable[[dict], list[str]]


def _one(value: object) -> list[str]:
    return [str(value)] if value not in (None, "") else []


def _jurisdiction(key: str) -> Callable[[dict], list[str]]:
    return lambda record: _one((record.get("jurisdiction") or {}).get(key))


def _tags(scheme: str, derived: bool | None = None) -> Callable[[dict], list[str]]:
    """Codes of one tag scheme: all, or only the declared (``derived=False``) or inferred."""
    return lambda record: [str(t["code"]) for t in record.get("tags") or []
                           if t.get("scheme") == scheme and t.get("code")
                           and (derived is None or bool(t.get("derived")) == derived)]


def start_year(record: dict) -> int | None:
    """The year a practice started, from its partial ISO date (``2014``, ``2014-07-02``)."""
    start = record.get("start_date") or ""
    return int(start[:4]) if start[:4].isdigit() else None


def date_key(record: dict) -> int:
    """A sortable number for the start date (``2014-07`` → 20140700); 0 when unknown."""
    parts = (record.get("start_date") or "").split("-")
    try:
        year, month, day = (int(p) for p in (parts + ["0", "0"])[:3])
    except ValueError:
        return 0
    return year * 10_000 + month * 100 + day


BUILT_IN_FACETS: tuple[Facet, ...] = (
    Facet("country", "Country", _jurisdiction("country")),
    Facet("level", "Region level", _jurisdiction("level")),
    Facet("vd_tag", "Venice Declaration tag", _tags("venice_declaration")),
    Facet("sdg_goal", "SDG goal", _tags("sdg_goal")),
    Facet("sdg_declared", "SDG goal declared", _tags("sdg_goal", derived=False)),
    Facet("sdg_inferred", "SDG goal inferred", _tags("sdg_goal", derived=True)),
    Facet("target_group", "Target group",
          lambda r: [str(g["code"]) for g in r.get("target_groups") or [] if g.get("code")]),
    Facet("practice_type", "Practice type", lambda r: _one(r.get("practice_type"))),
    Facet("status", "Status", lambda r: _one(r.get("status"))),
    Facet("year", "Start year", lambda r: _one(start_year(r))),
    Facet("format", "Source format", lambda r: _one((r.get("provenance") or {}).get("format"))),
    Facet("kpis", "Has KPIs", lambda r: ["yes" if r.get("kpis") else "no"]),
    Facet("award", "Award",
          lambda r: [str(a["award"]) for a in r.get("awards") or [] if a.get("award")]),
    Facet("language", "Language", lambda r: _one(r.get("language"))),
)

#: Filters without counts: ``tag`` takes ``scheme:code`` of any tag scheme.
TAG_FILTER = Facet("tag", "Tag", lambda r: [f"{t['scheme']}:{t['code']}"
                                            for t in r.get("tags") or []])


def values_of(facet: Facet, record: dict) -> list[str]:
    """A facet's values for a record, as strings, each once."""
    values = facet.extract(record)
    if not values:
        return []
    found = [str(v) for v in values if v not in (None, "")]
    # most facets have one value at most: nothing to deduplicate
    return list(dict.fromkeys(found)) if len(found) > 1 else found
