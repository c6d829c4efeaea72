"""The embedded default search backend, on whoosh (the maintained ``whoosh3`` fork).

Text arrives analysed (``registry.search.documents``), so whoosh only splits on spaces and
scores with BM25F (title ×3). Filters, facet counts and sorting do not go through whoosh's
own facet machinery (pure Python per hit): each segment's facet values and sort keys are
read once from one column into numpy arrays, and reused until the segment changes.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import columns, fields, index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.query import And, Or, Query, Term
from whoosh.writing import CLEAR

from registry.search import SearchField
from registry.search.documents import IndexedDocument
from registry.search.engine import Found, Request, SearchEngine, Stored
from registry.search.locking import exclusive
from registry.search.query import Unit
from registry.search.thesaurus import Concepts

log = logging.getLogger(__name__)

#: Bumped when the schema changes; an index of another version is rebuilt empty.
SCHEMA_VERSION = "2"
TITLE_BOOST = 3.0
#: Sort keys keep this many characters of a title (ties then go by id).
TITLE_KEY_CHARS = 40


def _schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False,
                          field_boost=TITLE_BOOST),
        text=fields.TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False),
        concepts=fields.KEYWORD(lowercase=False, scorable=True),
        spell=fields.KEYWORD(lowercase=False),
        shown=fields.STORED(),
        meta=fields.COLUMN(columns.VarBytesColumn()),
    )


@dataclass
class _FacetColumn:
    """One facet of a segment: (document, value code) pairs and the values the codes name."""

    docs: np.ndarray
    codes: np.ndarray
    values: list[str]


@dataclass
class _Segment:
    """The numpy view of one whoosh segment's ``meta`` column."""

    ids: np.ndarray
    years: np.ndarray
    dates: np.ndarray
    titles: np.ndarray
    facets: dict[str, _FacetColumn]

    @classmethod
    def read(cls, reader, names: Iterable[str]) -> _Segment:
        metas = [json.loads(raw) for raw in reader.column_reader("meta")]
        pairs: dict[str, tuple[list[int], list[int], dict[str, int]]] = {
            name: ([], [], {}) for name in names}
        for docnum, meta in enumerate(metas):
            for name, values in meta["f"].items():
                if name in pairs:
                    docs, codes, vocabulary = pairs[name]
                    for value in values:
                        docs.append(docnum)
                        codes.append(vocabulary.setdefault(value, len(vocabulary)))
        return cls(
            ids=np.array([m["i"] for m in metas], dtype=str),
            years=np.array([m["y"] or 0 for m in metas], dtype=np.int32),
            dates=np.array([m["d"] for m in metas], dtype=np.int64),
            titles=np.array([m["t"][:TITLE_KEY_CHARS] for m in metas], dtype=str),
            facets={name: _FacetColumn(np.array(docs, dtype=np.int32),
                                       np.array(codes, dtype=np.int32), list(vocabulary))
                    for name, (docs, codes, vocabulary) in pairs.items()},
        )

    def mask(self, request: Request) -> np.ndarray:
        """Documents that pass the request's filters, year range and exclusions."""
        keep = np.ones(len(self.ids), dtype=bool)
        for name, wanted in request.filters.items():
            column = self.facets[name]
            codes = [i for i, v in enumerate(column.values) if v in wanted]
            passing = np.zeros(len(self.ids), dtype=bool)
            passing[column.docs[np.isin(column.codes, codes)]] = True
            keep &= passing
        if request.years:
            low, high = request.years
            if low is not None:
                keep &= self.years >= low
            if high is not None:
                keep &= (self.years <= high) & (self.years > 0)
        if request.parsed.exclude:
            keep &= ~np.isin(self.ids, list(request.parsed.exclude))
        return keep


def _unit_query(unit: Unit) -> Query:
    def either(stems: Iterable[str]) -> Query:
        return Or([Term(field, s) for s in stems for field in ("title", "text")])

    alternatives: list[Query] = []
    if unit.word:
        alternatives.append(either(unit.stems))
    alternatives += [Term("concepts", c) for c in sorted(unit.concepts)]
    if unit.parts:
        alternatives.append(And([_unit_query(p) for p in unit.parts]))
    alternatives += [either([t]) for t in unit.terms]
    return alternatives[0] if len(alternatives) == 1 else Or(alternatives)


class WhooshIndex(SearchEngine):
    """One on-disk index; writers take turns through a lock file, readers never wait."""

    def __init__(self, directory: Path, extra_fields: Iterable[SearchField] = (),
                 concepts: Iterable[Concepts] = ()) -> None:
        super().__init__(extra_fields, concepts)
        self.directory = directory
        self._lock_path = directory / "writer.lock"
        self._local = threading.RLock()
        self._segments: dict[str, _Segment] = {}
        with exclusive(self._lock_path):
            version_file = directory / "schema-version"
            current = version_file.read_text().strip() if version_file.exists() else None
            if index.exists_in(directory) and current == SCHEMA_VERSION:
                self._ix = index.open_dir(directory)
            else:
                if index.exists_in(directory):
                    log.warning("search index %s has schema version %s, this registry uses %s: "
                                "it starts empty; run `registry reindex`", directory, current,
                                SCHEMA_VERSION)
                self._ix = index.create_in(directory, _schema())
                version_file.write_text(SCHEMA_VERSION)
        self._searcher = self._ix.searcher()

    # -- writing ---------------------------------------------------------------------------

    def _write(self, docs: list[IndexedDocument]) -> None:
        with exclusive(self._lock_path):
            writer = self._ix.writer(limitmb=256)
            for doc in docs:
                writer.update_document(
                    id=doc.id, title=" ".join(doc.title_terms), text=" ".join(doc.text_terms),
                    concepts=" ".join(doc.concepts), spell=" ".join(doc.spell),
                    shown={"title": doc.title, "texts": doc.texts,
                           "title_count": doc.title_count},
                    meta=json.dumps({"i": doc.id, "y": doc.year, "d": doc.date_key,
                                     "t": doc.title_key, "f": doc.facets}).encode(),
                )
            writer.commit()

    def _delete(self, ids: list[str]) -> None:
        with exclusive(self._lock_path):
            writer = self._ix.writer()
            for practice_id in ids:
                writer.delete_by_term("id", practice_id)
            writer.commit()

    def _clear(self) -> None:
        with exclusive(self._lock_path):
            self._ix.writer().commit(mergetype=CLEAR)

    # -- reading ---------------------------------------------------------------------------

    def _fresh_searcher(self):
        """The searcher of the latest commit (of any process), segment caches pruned."""
        if not self._searcher.up_to_date():
            if self._searcher.reader().segments():
                self._searcher = self._searcher.refresh()
            else:  # whoosh cannot refresh a reader of an empty index
                self._searcher.close()
                self._searcher = self._ix.searcher()
        live = {sub.reader().segment().segment_id() for sub, _ in self._searcher.leaf_searchers()}
        for gone in set(self._segments) - live:
            del self._segments[gone]
        return self._searcher

    def _segment(self, sub) -> _Segment:
        key = sub.reader().segment().segment_id()
        if key not in self._segments:
            self._segments[key] = _Segment.read(sub.reader(), self.facet_names)
        return self._segments[key]

    def _search(self, request: Request) -> Found:
        with self._local:
            searcher = self._fresh_searcher()
            units = request.parsed.units
            query = None
            if units:
                parts = [_unit_query(u) for u in units]
                query = parts[0] if len(parts) == 1 else (
                    And(parts) if request.parsed.match_all else Or(parts))
            scored = request.sort == "relevance" and query is not None
            context = searcher.context(weighting=searcher.weighting) if scored \
                else searcher.boolean_context()
            parts_found = []
            for sub, _ in searcher.leaf_searchers():
                segment = self._segment(sub)
                keep = segment.mask(request)
                deleted = sub.reader().deleted_docs_set
                if deleted:
                    keep[list(deleted)] = False
                if query is None:
                    docs = np.flatnonzero(keep)
                    scores = np.zeros(len(docs))
                else:
                    docs, scores = _matches(query, sub, context, scored)
                    passing = keep[docs]
                    docs, scores = docs[passing], scores[passing]
                parts_found.append((segment, docs, scores))
            return _collect(parts_found, request)

    def _stored(self, ids: list[str]) -> dict[str, Stored]:
        with self._local:
            searcher = self._fresh_searcher()
            found = {}
            for practice_id in ids:
                docnum = searcher.document_number(id=practice_id)
                if docnum is not None:
                    shown = searcher.stored_fields(docnum)["shown"]
                    found[practice_id] = Stored(shown["title"],
                                                [tuple(t) for t in shown["texts"]], shown["title_count"])
            return found

    def _vocabulary(self, first_letter: str) -> list[tuple[str, int]]:
        with self._local:
            reader = self._fresh_searcher().reader()
            return [(term.decode(), info.doc_frequency())
                    for term, info in reader.iter_prefix("spell", first_letter)]

    def _doc_freqs(self, terms: list[str]) -> dict[str, int]:
        with self._local:
            searcher = self._fresh_searcher()
            return {t: searcher.doc_frequency("text", t) for t in terms}

    def _size(self) -> int:
        with self._local:
            return self._fresh_searcher().doc_count()

    def close(self) -> None:
        with self._local:
            self._searcher.close()
            self._segments.clear()


def _matches(query: Query, sub, context, scored: bool) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers (and scores) of a segment that match; whoosh skips deleted ones."""
    matcher = query.matcher(sub, context)
    docs: list[int] = []
    scores: list[float] = []
    if scored:
        while matcher.is_active():
            docs.append(matcher.id())
            scores.append(matcher.score())
            matcher.next()
    else:
        docs = list(matcher.all_ids())
        scores = [0.0] * len(docs)
    return np.array(docs, dtype=np.int64), np.array(scores, dtype=np.float64)


def _collect(parts: list[tuple[_Segment, np.ndarray, np.ndarray]], request: Request) -> Found:
    """Facet counts over every hit, then the sorted slice (ties broken by practice id)."""
    counts: dict[str, Counter] = {name: Counter() for name in request.facets}
    for segment, docs, _ in parts:
        if not request.facets or not len(docs):
            continue
        hit = np.zeros(len(segment.ids), dtype=bool)
        hit[docs] = True
        for name in request.facets:
            column = segment.facets[name]
            tally = np.bincount(column.codes[hit[column.docs]], minlength=len(column.values))
            for code in np.flatnonzero(tally):
                counts[name][column.values[code]] += int(tally[code])
    ids = np.concatenate([s.ids[d] for s, d, _ in parts]) if parts else np.array([], dtype=str)
    total = len(ids)
    wanted = request.offset + request.limit
    if request.sort == "title":
        titles = np.concatenate([s.titles[d] for s, d, _ in parts])
        order = np.lexsort((ids, titles))
    else:
        if request.sort == "relevance" and request.parsed.units:
            key = -np.concatenate([sc for _, _, sc in parts])
        else:
            dates = np.concatenate([s.dates[d] for s, d, _ in parts]).astype(np.float64)
            key = np.where(dates > 0, -dates, np.inf)
        chosen = np.arange(total)
        if total > wanted:
            cut = np.partition(key, wanted - 1)[wanted - 1]
            chosen = np.flatnonzero(key <= cut)
        order = chosen[np.lexsort((ids[chosen], key[chosen]))]
    scores = np.concatenate([sc for _, _, sc in parts]) if parts else np.array([])
    page = order[request.offset:wanted]
    return Found(total, [(str(ids[i]), float(scores[i])) for i in page],
                 {name: dict(c) for name, c in counts.items()})
