"""The search interface the services and surfaces use; backends implement it.

Three backends answer the same queries the same way (``registry/search/README.md`` explains
the analysis and the ranking): whoosh (embedded, the default with SQLite), tantivy (embedded,
for large registries) and PostgreSQL full-text search (when the registry runs on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Protocol

import pluggy

from registry.config import Config
from registry.search.facets import BUILT_IN_FACETS, TAG_FILTER, Facet
from registry.search.thesaurus import Concepts, check_concepts

if TYPE_CHECKING:
    from sqlalchemy import Engine

#: Sort orders of ``query``; ties keep one order every time, so pages never overlap or skip.
SORTS = ("relevance", "date", "title")


class SearchArgumentError(ValueError):
    """A query argument that cannot be used; ``argument`` names it (``filter``, ``sort``...)."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(message)
        self.argument = argument


@dataclass(frozen=True)
class Hit:
    """One practice found; ``snippet`` is HTML (escaped text, matches in ``<mark>``)."""

    id: str
    title: str
    score: float
    snippet: str = ""


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, the facet counts of all hits, and what the query was read as.

    ``suggestion`` is a corrected query when the query found nothing as typed; ``relaxed``
    says the hits match some, not all, of the query's words (shown when all found nothing);
    ``concepts`` are the thesaurus concepts the query was expanded with.
    """

    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None
    relaxed: bool = False
    sort: str = "relevance"
    concepts: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """Plain JSON with the number of ``pages`` (the API and ``registry search --json``)."""
        return {**asdict(self), "pages": max((self.total + self.per_page - 1) // self.per_page,
                                             1)}


@dataclass(frozen=True)
class SearchField:
    """A field a plugin adds to the index: ``extract(record)`` gives its keyword values.

    Every field is a filter and a facet with counts, like the built-in ones.
    """

    name: str
    extract: Callable[[dict], list[str]]
    label: str = ""


#: Names a plugin field may not take: the built-in facets, filters and index fields.
BUILT_IN_FIELDS = frozenset(
    {f.name for f in BUILT_IN_FACETS} | {TAG_FILTER.name, "id", "title", "text", "concepts"}
)


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


def collect_concepts(pm: pluggy.PluginManager) -> list[Concepts]:
    """Every plugin's ``registry_search_concepts``, checked, to merge with the thesaurus."""
    return [check_concepts(concepts) for concepts in pm.hook.registry_search_concepts()
            if concepts]


class SearchIndex(Protocol):
    """Index current records, forget deleted ones, and answer queries with filters."""

    facets: tuple[Facet, ...]
    facet_names: tuple[str, ...]

    def index(self, records: list[dict]) -> None:
        """Add or replace these records (called after their commit, never before)."""

    def delete(self, ids: list[str]) -> None:
        """Forget these practices."""

    def clear(self) -> None:
        """Empty the index (before a full ``registry reindex``)."""

    def query(
        self, text: str, *, filters: dict[str, list[str]] | None = None,
        page: int = 1, per_page: int = 20, sort: str = "relevance",
        facets: Sequence[str] = (), years: tuple[int | None, int | None] | None = None,
    ) -> SearchResults:
        """Practices matching ``text`` (all when empty), restricted by field filters.

        ``filters`` maps a facet (or ``tag``) to accepted values: any value of one facet,
        every facet. ``years`` keeps practices that started in that range (ends included).
        ``facets`` names the facets to count over all the hits.
        """

    def similar(self, practice_id: str, *, limit: int = 5) -> list[Hit]:
        """Practices like this one (shared concepts and distinctive words), best first."""

    def writer_turn(self) -> AbstractContextManager:
        """Hold the one-writer turn (backups, maintenance); other writers wait meanwhile."""

    def close(self) -> None:
        """Release files and connections."""


def open_index(config: Config, extra_fields: Iterable[SearchField] = (), *,
               concepts: Iterable[Concepts] = (), engine: Engine | None = None) -> SearchIndex:
    """The search backend the configuration names (``auto``: PostgreSQL's on PostgreSQL).

    ``engine`` is the registry's database engine, shared by the PostgreSQL backend.
    """
    backend = config.search_backend
    if backend == "auto":
        backend = "postgresql" if config.db_url.startswith("postgresql") else "whoosh"
    fields, extra_concepts = list(extra_fields), list(concepts)
    if backend == "whoosh":
        from registry.search.whoosh_backend import WhooshIndex

        return WhooshIndex(config.search_dir / "whoosh", fields, extra_concepts)
    if backend == "tantivy":
        from registry.search.tantivy_backend import TantivyIndex

        return TantivyIndex(config.search_dir / "tantivy", fields, extra_concepts)
    if backend == "postgresql":
        from registry.search.postgres_backend import PostgresIndex

        return PostgresIndex(engine or config.db_url, fields, extra_concepts)
    raise ValueError(f"unknown search backend {config.search_backend!r} "
                     "(REGISTRY_SEARCH_BACKEND; known: auto, whoosh, tantivy, postgresql)")
