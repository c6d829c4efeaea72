"""The search interface the services and surfaces use; backends implement it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


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


def document_for(record: dict) -> dict[str, object]:
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
    texts.extend(filter(None, [jurisdiction.get("name"), (record.get("lead_entity") or {}).get("name")]))
    return {
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
