"""The search interface the services and surfaces use; backends implement it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import pluggy

from registry.config import Config


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    score: float


@dataclass(frozen=True)
class SearchResults:
    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)


@dataclass(frozen=True)
class SearchField:
    """A field a plugin adds to the index: ``extract(record)`` gives its keyword values."""

    name: str
    extract: Callable[[dict], list[str]]
    label: str = ""


def collect_search_fields(pm: pluggy.PluginManager) -> list[SearchField]:
    """The extra fields of every plugin's ``registry_search_fields`` hook, names checked."""
    found: dict[str, SearchField] = {}
    for plugin_fields in pm.hook.registry_search_fields():
        for spec in plugin_fields or ():
            name = spec["name"]
            if not name.isidentifier() or name in BUILT_IN_FIELDS or name in found:
                raise ValueError(f"search field {name!r} is invalid or already defined")
            found[name] = SearchField(name, spec["extract"], spec.get("label", name))
    return list(found.values())


BUILT_IN_FIELDS = frozenset(
    {"id", "title", "text", "language", "country", "format", "practice_type", "status", "tag"}
)


class SearchIndex(Protocol):
    """Index current records, forget deleted ones, and answer queries with filters."""

    def index(self, records: list[dict]) -> None:
        """Add or replace these records (called after their commit, never before)."""

    def delete(self, ids: list[str]) -> None:
        """Forget these practices."""

    def clear(self) -> None:
        """Empty the index (before a full ``registry reindex``)."""

    def query(
        self, text: str, *, filters: dict[str, list[str]] | None = None,
        page: int = 1, per_page: int = 20,
    ) -> SearchResults:
        """Practices matching ``text`` (all when empty), restricted by field filters."""


def document_for(record: dict, extra_fields: list[SearchField] = ()) -> dict[str, object]:
    """The searchable view of a record: its texts in every language and its filter fields."""
    texts: list[str] = []
    for key in ("title", "summary", "description"):
        texts.extend((record.get(key) or {}).values())
    for key in ("aims", "future_goals"):
        for text in record.get(key) or []:
            texts.extend(text.values())
    texts.extend(g.get("label") or "" for g in record.get("target_groups") or [])
    texts.append(record.get("target_groups_text") or "")
    texts.extend(s.get("name") or "" for s in record.get("stakeholders") or [])
    texts.extend(e.get("title") or "" for e in record.get("events") or [])
    jurisdiction = record.get("jurisdiction") or {}
    lead_entity = record.get("lead_entity") or {}
    texts.extend(filter(None, [jurisdiction.get("name"), lead_entity.get("name")]))
    extra = {f.name: [str(v) for v in f.extract(record) or ()] for f in extra_fields}
    return {
        **extra,
        "id": record["id"],
        "title": next((t for t in record["title"].values() if t), ""),
        "text": "\n".join(t for t in texts if t),
        "language": record.get("language") or "",
        "country": jurisdiction.get("country") or "",
        "format": record["provenance"]["format"],
        "practice_type": record.get("practice_type") or "",
        "status": record.get("status") or "",
        "tag": [f"{t['scheme']}:{t['code']}" for t in record.get("tags") or []],
    }


def open_index(config: Config, extra_fields: list[SearchField]) -> SearchIndex:
    """The search backend the configuration names."""
    if config.search_backend == "whoosh":
        from registry.search.whoosh_backend import WhooshIndex

        return WhooshIndex(config.search_dir, extra_fields)
    raise ValueError(f"unknown search backend {config.search_backend!r} "
                     "(REGISTRY_SEARCH_BACKEND; known: whoosh)")
