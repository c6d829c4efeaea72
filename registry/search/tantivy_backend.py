"""The tantivy search backend: the same index as whoosh's, kept by a Rust engine.

Text arrives analysed (``registry.search.documents``) and is split on spaces; tantivy scores
with BM25 (title ×3) and counts facets with its terms aggregation on fast fields. Tantivy
lets one ``IndexWriter`` hold its lock and fails the others at once, so writers first take
turns through the same lock file as whoosh's, and wait instead of failing.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from pathlib import Path

import tantivy
from tantivy import Occur, Query

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
WRITER_HEAP_BYTES = 128_000_000
#: Most facet values (all facets together) that are counted.
MAX_FACET_VALUES = 65_000


class TantivyIndex(SearchEngine):
    """One on-disk tantivy index; readers reload when another writer has committed."""

    def __init__(self, directory: Path, extra_fields: Iterable[SearchField] = (),
                 concepts: Iterable[Concepts] = ()) -> None:
        super().__init__(extra_fields, concepts)
        self.directory = directory
        self._lock_path = directory.parent / f"{directory.name}.writer.lock"
        self._local = threading.RLock()
        self._schema = self._build_schema()
        with exclusive(self._lock_path):
            directory.mkdir(parents=True, exist_ok=True)
            version_file = directory.parent / f"{directory.name}.schema-version"
            current = version_file.read_text().strip() if version_file.exists() else None
            if current != SCHEMA_VERSION and tantivy.Index.exists(str(directory)):
                log.warning("search index %s has schema version %s, this registry uses %s: "
                            "it starts empty; run `registry reindex`", directory, current,
                            SCHEMA_VERSION)
                for path in directory.iterdir():
                    path.unlink()
            self._ix = tantivy.Index(self._schema, path=str(directory), reuse=True)
            version_file.write_text(SCHEMA_VERSION)
        self._seen = self._commit_stamp()

    def _build_schema(self) -> tantivy.Schema:
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", tokenizer_name="whitespace", index_option="freq")
        builder.add_text_field("text", tokenizer_name="whitespace", index_option="freq")
        builder.add_text_field("concepts", tokenizer_name="whitespace", index_option="freq")
        builder.add_text_field("spell", tokenizer_name="whitespace", index_option="basic")
        builder.add_bytes_field("shown", stored=True)
        builder.add_integer_field("year", indexed=True, fast=True)
        builder.add_integer_field("date", fast=True)
        builder.add_text_field("title_key", tokenizer_name="raw", fast=True)
        builder.add_text_field("facets", tokenizer_name="raw", fast=True)
        return builder.build()

    # -- writing ---------------------------------------------------------------------------

    def writer_turn(self) -> AbstractContextManager:
        """Hold the one-writer turn: other writers, in any process, wait until it is left."""
        return exclusive(self._lock_path)

    def _commit(self, change: Callable[[tantivy.IndexWriter], None]) -> None:
        """Run ``change(writer)`` and commit, one process at a time."""
        with self.writer_turn(), self._local:
            writer = self._ix.writer(heap_size=WRITER_HEAP_BYTES, num_threads=0)
            try:
                change(writer)
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()
            self._ix.reload()
            self._seen = self._commit_stamp()

    def _write(self, docs: list[IndexedDocument]) -> None:
        def add(writer: tantivy.IndexWriter) -> None:
            for doc in docs:
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(self._document(doc))

        self._commit(add)

    def _document(self, doc: IndexedDocument) -> tantivy.Document:
        document = tantivy.Document()
        document.add_text("id", doc.id)
        document.add_text("title", " ".join(doc.title_terms))
        document.add_text("text", " ".join(doc.text_terms))
        document.add_text("concepts", " ".join(doc.concepts))
        document.add_text("spell", " ".join(doc.spell))
        document.add_bytes("shown", json.dumps({"title": doc.title, "texts": doc.texts,
                                                "title_count": doc.title_count},
                                               ensure_ascii=False).encode())
        document.add_integer("year", doc.year or 0)
        document.add_integer("date", doc.date_key)
        document.add_text("title_key", doc.title_key)
        for name, values in doc.facets.items():
            for value in values:
                document.add_text("facets", f"{name}={value}")
        return document

    def _delete(self, ids: list[str]) -> None:
        def remove(writer: tantivy.IndexWriter) -> None:
            for practice_id in ids:
                writer.delete_documents_by_term("id", practice_id)

        self._commit(remove)

    def _clear(self) -> None:
        self._commit(lambda writer: writer.delete_all_documents())

    # -- reading ---------------------------------------------------------------------------

    def _commit_stamp(self) -> int:
        meta = self.directory / "meta.json"
        return meta.stat().st_mtime_ns if meta.exists() else 0

    def _searcher(self) -> tantivy.Searcher:
        """A searcher of the latest commit, whichever process made it."""
        stamp = self._commit_stamp()
        if stamp != self._seen:
            self._ix.reload()
            self._seen = stamp
        return self._ix.searcher()

    def _term(self, field: str, value: str) -> Query:
        return Query.term_query(self._schema, field, value, index_option="freq")

    def _either(self, stems: Iterable[str]) -> Query:
        clauses = []
        for stem in stems:
            clauses.append((Occur.Should, Query.boost_query(self._term("title", stem),
                                                            TITLE_BOOST)))
            clauses.append((Occur.Should, self._term("text", stem)))
        return Query.boolean_query(clauses)

    def _unit_query(self, unit: Unit) -> Query:
        alternatives: list[Query] = []
        if unit.word:
            alternatives.append(self._either(unit.stems))
        alternatives += [self._term("concepts", c) for c in sorted(unit.concepts)]
        if unit.parts:
            alternatives.append(Query.boolean_query(
                [(Occur.Must, self._unit_query(p)) for p in unit.parts]))
        alternatives += [self._either([t]) for t in unit.terms]
        return Query.boolean_query([(Occur.Should, q) for q in alternatives])

    def _query(self, request: Request) -> Query:
        parsed = request.parsed
        occur = Occur.Must if parsed.match_all else Occur.Should
        clauses = [(occur, self._unit_query(u)) for u in parsed.units] or [
            (Occur.Must, Query.all_query())]
        main = Query.boolean_query(clauses)
        filters = [Query.term_set_query(self._schema, "facets", [f"{name}={v}" for v in values])
                   for name, values in request.filters.items()]
        if request.years:
            low, high = request.years
            filters.append(Query.range_query(self._schema, "year", tantivy.FieldType.Integer,
                                             low if low is not None else 1,
                                             high if high is not None else 9999))
        restrict = [(Occur.Must, Query.const_score_query(f, 0.0)) for f in filters]
        restrict += [(Occur.MustNot, Query.term_query(self._schema, "id", i))
                     for i in parsed.exclude]
        return Query.boolean_query([(Occur.Must, main), *restrict]) if restrict else main

    def _search(self, request: Request) -> Found:
        with self._local:
            searcher = self._searcher()
            query = self._query(request)
            if request.sort == "relevance" and request.parsed.units:
                order = {}
            elif request.sort == "title":
                order = {"order_by_field": "title_key", "order": tantivy.Order.Asc}
            else:
                order = {"order_by_field": "date", "order": tantivy.Order.Desc}
            result = searcher.search(query, request.limit, count=True, offset=request.offset,
                                     **order)
            hits = []
            for key, address in result.hits:
                doc = searcher.doc(address)
                score = key if isinstance(key, float) else 0.0
                hits.append((doc.get_first("id"), score))
            facets: dict[str, dict[str, int]] = {name: {} for name in request.facets}
            if request.facets and result.count:
                counted = searcher.aggregate(query, {"facets": {"terms": {
                    "field": "facets", "size": MAX_FACET_VALUES}}})
                for bucket in counted["facets"]["buckets"]:
                    name, _, value = str(bucket["key"]).partition("=")
                    if name in facets:
                        facets[name][value] = bucket["doc_count"]
            return Found(result.count, hits, facets)

    def _stored(self, ids: list[str]) -> dict[str, Stored]:
        if not ids:
            return {}
        with self._local:
            searcher = self._searcher()
            result = searcher.search(Query.term_set_query(self._schema, "id", ids), len(ids),
                                     count=False)
            found = {}
            for _, address in result.hits:
                doc = searcher.doc(address)
                shown = json.loads(doc.get_first("shown"))
                found[doc.get_first("id")] = Stored(
                    shown["title"], [tuple(t) for t in shown["texts"]], shown["title_count"])
            return found

    def _vocabulary(self, first_letter: str) -> list[tuple[str, int]]:
        with self._local:
            return self._searcher().terms_with_prefix("spell", first_letter)

    def _doc_freqs(self, terms: list[str]) -> dict[str, int]:
        with self._local:
            searcher = self._searcher()
            return {t: searcher.doc_freq("text", t) for t in terms}

    def _size(self) -> int:
        with self._local:
            return self._searcher().num_docs

    def close(self) -> None:
        """Tantivy closes its files with the index object; nothing to release before."""
