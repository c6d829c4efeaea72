"""The embedded default search backend, on whoosh (the maintained ``whoosh3`` fork).

Whoosh keeps the index on disk: analysed text (``registry.search.documents``, split on
spaces), postings with term frequencies, stored texts and one column of facet values and
sort keys per practice. Queries do not go through whoosh's matchers and collectors, which
spend pure-Python time per hit and per posting: the postings a query needs are read once per
segment into numpy arrays (and kept, since a segment never changes), and matching, BM25
scoring (k1 1.2, b 0.75, title ×3), filters, facet counts and sorting are array operations.
"""

from __future__ import annotations

import json
import logging
import threading
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from itertools import count, repeat
from operator import sub
from pathlib import Path

import numpy as np
from whoosh import columns, fields, formats, index
from whoosh.analysis import RegexTokenizer, SpaceSeparatedTokenizer
from whoosh.codec.whoosh3 import W3PostingsWriter
from whoosh.matching.wrappers import FilterMatcher
from whoosh.system import pack_uint
from whoosh.writing import CLEAR, SegmentWriter

from registry.search import SearchField
from registry.search.documents import IndexedDocument
from registry.search.engine import Found, Request, SearchEngine, Stored
from registry.search.locking import exclusive
from registry.search.query import Unit
from registry.search.thesaurus import Concepts

log = logging.getLogger(__name__)

#: Bumped when the schema changes; an index of another version is rebuilt empty.
SCHEMA_VERSION = "3"
TITLE_BOOST = 3.0
#: Sort keys keep this many characters of a title (ties then go by id).
TITLE_KEY_CHARS = 40
#: BM25 parameters (as Lucene and tantivy use them).
K1, B = 1.2, 0.75
#: Posting arrays kept per segment (most recently used first out when full).
CACHED_POSTINGS = 2_000
#: A writer commits after this many documents: it holds their postings in memory.
SEGMENT_DOCS = 10_000
#: Postings per block of a term's postings. Queries read a term's postings whole, a block at
#: a time (``_read_postings``), so fewer, larger blocks cost less to write and to read than
#: whoosh's 128, which suits matchers that skip blocks (a 2,000-practice commit: -12%).
POSTINGS_PER_BLOCK = 1024


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
    lengths: dict[str, np.ndarray]
    facets: dict[str, _FacetColumn]
    postings: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]

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
            lengths={"title": np.array([m["lt"] for m in metas], dtype=np.float64),
                     "text": np.array([m["lx"] for m in metas], dtype=np.float64),
                     "concepts": np.ones(len(metas))},
            facets={name: _FacetColumn(np.array(docs, dtype=np.int32),
                                       np.array(codes, dtype=np.int32), list(vocabulary))
                    for name, (docs, codes, vocabulary) in pairs.items()},
            postings={},
        )

    def posting(self, reader, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers and term frequencies of a term, read once and kept."""
        key = (field, term)
        if key in self.postings:
            self.postings[key] = self.postings.pop(key)  # most recently used last
            return self.postings[key]
        if (field, term) in reader:
            ids, weights = _read_postings(reader.postings(field, term))
        else:
            ids, weights = [], []
        if len(self.postings) >= CACHED_POSTINGS:
            del self.postings[next(iter(self.postings))]
        self.postings[key] = (np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64))
        return self.postings[key]

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


def _read_postings(matcher) -> tuple[list[int], list[float]]:
    """All (document, frequency) pairs of a term, a block at a time where whoosh allows it.

    Deletions are left in (the caller masks them). Reading blocks uses the block attributes of
    whoosh3's W3LeafMatcher, which is why whoosh3 is pinned to one version.
    """
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    ids: list[int] = []
    weights: list[float] = []
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_lastblock"):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            if matcher._lastblock:
                break
            matcher._next_block()
        return ids, weights
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


@dataclass
class _Scorer:
    """BM25 over numpy arrays for one segment, with the whole index's statistics."""

    segment: _Segment
    reader: object
    frequency: Callable[[str, str], int]
    total: int
    average: dict[str, float]

    def term(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Match mask and scores of one term in one field."""
        size = len(self.segment.ids)
        mask = np.zeros(size, dtype=bool)
        scores = np.zeros(size)
        ids, tf = self.segment.posting(self.reader, field, term)
        if not len(ids):
            return mask, scores
        freq = self.frequency(field, term)
        idf = np.log(1 + (self.total - freq + 0.5) / (freq + 0.5))
        norm = 1 - B + B * self.segment.lengths[field][ids] / self.average[field] \
            if field != "concepts" else 1.0
        boost = TITLE_BOOST if field == "title" else 1.0
        mask[ids] = True
        scores[ids] = boost * idf * tf * (K1 + 1) / (tf + K1 * norm)
        return mask, scores

    def either(self, stems: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        return _any([self.term(field, s) for s in stems for field in ("title", "text")])

    def unit(self, unit: Unit) -> tuple[np.ndarray, np.ndarray]:
        alternatives = [self.either(unit.stems)] if unit.word else []
        alternatives += [self.term("concepts", c) for c in sorted(unit.concepts)]
        if unit.parts:
            alternatives.append(_all([self.unit(p) for p in unit.parts]))
        alternatives += [self.either([t]) for t in unit.terms]
        return _any(alternatives)


def _any(found: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Matched by any; the scores of all that match add up (as in a boolean OR)."""
    mask, scores = found[0]
    for other_mask, other_scores in found[1:]:
        mask = mask | other_mask
        scores = scores + other_scores
    return mask, scores


def _all(found: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Matched by all; scores add up."""
    mask, scores = _any(found)
    for other_mask, _ in found:
        mask = mask & other_mask
    return mask, scores


def _fields(doc: IndexedDocument) -> dict:
    """The whoosh fields of an analysed practice; the space-separated fields as their terms
    (``_add_documents`` counts them; whoosh would take them joined with spaces)."""
    return {
        "id": doc.id, "title": doc.title_terms, "text": doc.text_terms,
        "concepts": doc.concepts, "spell": doc.spell,
        "shown": {"title": doc.title, "texts": doc.texts, "title_count": doc.title_count},
        "meta": json.dumps({"i": doc.id, "y": doc.year, "d": doc.date_key, "t": doc.title_key,
                            "f": doc.facets, "lt": len(doc.title_terms),
                            "lx": len(doc.text_terms)}).encode(),
    }


def _counted_field(field) -> bool:
    """A field whose postings are term counts of a text split on whitespace (the text fields
    and keywords of the schema): ``_add_documents`` counts them itself."""
    analyzer = getattr(field, "analyzer", None)
    return (type(field).index is fields.FieldType.index
            and type(field.format) is formats.Frequency
            and type(analyzer) is RegexTokenizer and not analyzer.gaps
            and analyzer.expression.pattern == _SPACE_TOKENS.pattern
            and not field.separate_spelling() and not field.vector)


_SPACE_TOKENS = SpaceSeparatedTokenizer().expression


#: The postings of one term: documents (in order), weights, values.
_Postings = tuple[list[int], list[float], list[bytes]]


class _CountedPostings:
    """The postings of one counted field as three flat columns (term number, document,
    count), each document's added in one go; grouped by term when the segment is written."""

    def __init__(self, boost: float) -> None:
        self.boost = boost
        self.numbers: defaultdict[str, int] = defaultdict(count().__next__)
        self.terms: list[int] = []
        self.docs: list[int] = []
        self.counts: list[int] = []

    def add(self, docnum: int, counts: Counter) -> None:
        self.terms.extend(map(self.numbers.__getitem__, counts))
        self.docs.extend(repeat(docnum, len(counts)))
        self.counts.extend(counts.values())

    def grouped(self) -> dict[bytes, _Postings]:
        """Each term's postings, in document order (a stable sort by term keeps it)."""
        terms = np.array(self.terms)
        order = np.argsort(terms, kind="stable")
        terms = terms[order]
        docs = np.array(self.docs)[order]
        counts = np.array(self.counts)[order]
        # whoosh's Frequency: the weight is count × field boost, the value the packed count
        weights = counts * self.boost
        values = np.array([pack_uint(n) for n in range(counts.max() + 1)], dtype=object)[counts]
        starts = np.flatnonzero(np.concatenate(([True], terms[1:] != terms[:-1])))
        ends = np.append(starts[1:], len(terms))
        span = dict(zip(terms[starts].tolist(), zip(starts.tolist(), ends.tolist(),
                                                     strict=True), strict=True))
        grouped = {}
        for term, number in self.numbers.items():
            start, end = span[number]
            grouped[term.encode("utf-8")] = (docs[start:end].tolist(),
                                             weights[start:end].tolist(),
                                             values[start:end].tolist())
        return grouped


class _TermPool:
    """A segment writer's postings, kept per field and term as they come.

    whoosh's own pool keeps (field, term, document, weight, value) tuples, sorts them all and
    hands them to the field writer one at a time. Documents reach a writer in order, and so
    do the postings of the segments it merges, so each term's postings arrive in document
    order: kept per term, the segment is written a term at a time (``_SegmentWriter``).
    The fields ``_add_documents`` counts itself are kept as columns (``_CountedPostings``).
    """

    def __init__(self) -> None:
        self.counted: dict[str, _CountedPostings] = {}
        self.terms: dict[str, dict[bytes, _Postings]] = {}

    def add(self, item: tuple) -> None:
        """One posting, from whoosh's own code (the segments a commit merges) or of a field
        that is not counted."""
        fieldname, btext, docnum, weight, value = item
        found = self.terms.setdefault(fieldname, {}).get(btext)
        if found is None:
            found = self.terms[fieldname][btext] = ([], [], [])
        found[0].append(docnum)
        found[1].append(weight)
        found[2].append(value or b"")

    def add_counts(self, fieldname: str, boost: float, docnum: int, counts: Counter) -> None:
        """A document's term counts in a counted field."""
        postings = self.counted.get(fieldname)
        if postings is None:
            postings = self.counted[fieldname] = _CountedPostings(boost)
        postings.add(docnum, counts)

    def by_field(self) -> Iterator[tuple[str, dict[bytes, _Postings]]]:
        """Each field's terms and their postings, fields in name order; a merged segment's
        postings of a counted field come after the field's own (their documents do)."""
        for fieldname in sorted(self.counted.keys() | self.terms.keys()):
            terms = self.counted[fieldname].grouped() if fieldname in self.counted else {}
            for btext, (docs, weights, values) in self.terms.get(fieldname, {}).items():
                if btext in terms:
                    for column, more in zip(terms[btext], (docs, weights, values), strict=True):
                        column.extend(more)
                else:
                    terms[btext] = (docs, weights, values)
            yield fieldname, terms

    def cleanup(self) -> None:
        self.counted, self.terms = {}, {}


class _SegmentWriter(SegmentWriter):
    """whoosh's segment writer, writing the segment's postings a term at a time.

    Postings are added by ``_add_documents`` (and by whoosh when a commit merges segments)
    to a ``_TermPool``; at the commit each term's postings go into whoosh3's posting blocks
    in one go, with the block statistics ``add_postings`` would compute one posting at a
    time. Written against whoosh3's W3 codec, which is why whoosh3 is pinned to one version.
    """

    def __init__(self, ix: index.Index) -> None:
        super().__init__(ix)
        self.pool = _TermPool()

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        try:
            self._write_terms(lengths)
        finally:
            lengths.close()
        self.fieldwriter.close()

    def _write_terms(self, lengths) -> None:
        fieldwriter = self.fieldwriter
        for fieldname, terms in self.pool.by_field():
            fieldwriter.start_field(fieldname, self.schema[fieldname])
            fieldwriter._postwriter = _PostingsWriter.like(fieldwriter._postwriter)
            length_of = lengths.doc_field_length_reader(fieldname)
            doc_lengths = [length_of(docnum) for docnum in range(lengths.doc_count_all())]
            for btext in sorted(terms):
                fieldwriter.start_term(btext)
                _write_postings(fieldwriter._postwriter, *terms[btext], doc_lengths)
                fieldwriter.finish_term()
            fieldwriter.finish_field()


class _PostingsWriter(W3PostingsWriter):
    """whoosh3's posting writer, encoding a block's documents and weights without a Python
    step per posting (the same tuples: documents as gaps, weights as None, one number or all),
    ``POSTINGS_PER_BLOCK`` postings to a block."""

    @classmethod
    def like(cls, writer: W3PostingsWriter) -> _PostingsWriter:
        return cls(writer._postfile, blocklimit=POSTINGS_PER_BLOCK, byteids=writer._byteids,
                   compression=writer._compression, inlinelimit=writer._inlinelimit)

    def _mini_ids(self) -> tuple:
        ids = self._ids
        if self._byteids:
            return tuple(ids)
        return (ids[0], *map(sub, ids[1:], ids[:-1]))

    def _mini_weights(self) -> tuple | float | None:
        weights = self._weights
        first = weights[0]
        if weights.count(first) == len(weights):
            return None if first == 1.0 else first
        return tuple(weights)


def _write_postings(postwriter, docnums: list[int], weights: list[float], values: list[bytes],
                    doc_lengths: list[int | None]) -> None:
    """One term's postings, in document order, as ``W3PostingsWriter.add_posting`` would
    buffer them: blocks of ``_blocklimit`` postings, each block's largest weight and its
    shortest and longest field length (the documents' lengths as stored, 0 if none)."""
    limit = postwriter._blocklimit
    for start in range(0, len(docnums), limit):
        if start:
            postwriter._write_block()
        block = docnums[start:start + limit]
        block_weights = weights[start:start + limit]
        postwriter._ids = array("I", block)
        postwriter._weights = array("f", block_weights)
        postwriter._values = [value for value in values[start:start + limit] if value]
        postwriter._maxweight = max(0, max(block_weights))
        found = [length for length in map(doc_lengths.__getitem__, block) if length]
        if found:
            postwriter._minlength = min(found)
            postwriter._maxlength = max(found)


def _add_documents(writer: _SegmentWriter, docs: list[dict]) -> None:
    """``writer.update_document(**doc)`` for every document (its space-separated fields
    joined with spaces), with the same postings, stored fields, lengths and columns, in a
    fraction of the time.

    ``update_document`` runs each value through whoosh's analyser, a Python generator of
    token objects, and hands the postings to the pool one by one; here the terms of the
    space-separated fields (words of the analysis, never holding a space) are counted with
    ``Counter`` (what whoosh's ``Frequency`` format computes: term, count, count × field
    boost, packed count). Like ``update_document``, a document replaces the committed one
    with the same id (not one added earlier in the same writer).
    """
    schema = writer.schema
    counted = {name: _counted_field(field) for name, field in schema.items()}
    unique = [name for name, field in schema.items() if field.unique]
    with writer.searcher() as searcher:
        for doc in docs:
            for docnum in searcher._find_unique([(name, doc[name]) for name in unique
                                                 if name in doc]):
                writer.delete_document(docnum)
    pool = writer.pool
    perdocwriter = writer.perdocwriter
    for doc in docs:
        names = sorted(doc)
        writer._check_fields(schema, names)
        docnum = writer.docnum
        perdocwriter.start_doc(docnum)
        try:
            for name in names:
                value = doc[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    if counted[name]:
                        counts = Counter(value)
                        if counts:
                            pool.add_counts(name, field.format.field_boost, docnum, counts)
                        if field.scorable:
                            length = sum(counts.values())
                    else:
                        for tbytes, freq, weight, vbytes in field.index(value):
                            pool.add((name, tbytes, docnum, weight, vbytes))
                            if field.scorable:
                                length += freq
                perdocwriter.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    perdocwriter.add_column_value(name, field.column_type,
                                                  field.to_column_value(value))
        except ValueError:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        writer._added = True
        writer.docnum += 1


class WhooshIndex(SearchEngine):
    """One on-disk index; writers take turns through a lock file, readers never wait."""

    def __init__(self, directory: Path, extra_fields: Iterable[SearchField] = (),
                 concepts: Iterable[Concepts] = ()) -> None:
        super().__init__(extra_fields, concepts)
        self.directory = directory
        self._lock_path = directory / "writer.lock"
        self._local = threading.RLock()
        self._segments: dict[str, _Segment] = {}
        self._frequencies: dict[tuple[str, str], int] = {}
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

    def writer_turn(self) -> AbstractContextManager:
        """Hold the one-writer turn: other writers, in any process, wait until it is left."""
        return exclusive(self._lock_path)

    def _write(self, docs: list[IndexedDocument]) -> None:
        with self._writer() as add:
            add(docs)

    incremental_bulk = True

    @contextmanager
    def bulk(self) -> Iterator[Callable[[list[dict]], None]]:
        """Analyse and add each batch as it comes, and commit at the end: the index one
        ``index`` call with every record would give. The writer's turn is held meanwhile."""
        with self._writer() as add:
            yield lambda records: add(self._documents(records))

    @contextmanager
    def _writer(self) -> Iterator[Callable[[list[IndexedDocument]], None]]:
        """Add analysed documents, committed when the block ends, or nothing if it fails.

        The writer also commits after ``SEGMENT_DOCS`` documents, which bounds the postings
        it holds in memory, and before a practice it already holds comes again, so that the
        new version replaces the committed one.
        """
        with self.writer_turn():
            writer = _SegmentWriter(self._ix)
            held: set[str] = set()

            def add(docs: list[IndexedDocument]) -> None:
                nonlocal writer, held
                run: list[IndexedDocument] = []
                for doc in {doc.id: doc for doc in docs}.values():
                    if doc.id in held or len(held) >= SEGMENT_DOCS:
                        _add_documents(writer, [_fields(d) for d in run])
                        run = []
                        writer.commit()
                        writer, held = _SegmentWriter(self._ix), set()
                    run.append(doc)
                    held.add(doc.id)
                _add_documents(writer, [_fields(d) for d in run])

            try:
                yield add
            except BaseException:
                writer.cancel()
                raise
            if held:
                writer.commit()
            else:
                writer.cancel()

    def _delete(self, ids: list[str]) -> None:
        with self.writer_turn():
            writer = self._ix.writer()
            for practice_id in ids:
                writer.delete_by_term("id", practice_id)
            writer.commit()

    def _clear(self) -> None:
        with self.writer_turn():
            self._ix.writer().commit(mergetype=CLEAR)

    # -- reading ---------------------------------------------------------------------------

    def _fresh_searcher(self):
        """The searcher of the latest commit (of any process), segment caches pruned."""
        if not self._searcher.up_to_date():
            # a new searcher, not refresh(): refreshed segment readers keep the deletions
            # they had cached, and refresh() fails on an empty index
            self._searcher.close()
            self._searcher = self._ix.searcher()
            self._frequencies.clear()
        live = {sub.reader().segment().segment_id() for sub, _ in self._searcher.leaf_searchers()
                if sub.reader().segment() is not None}
        for gone in set(self._segments) - live:
            del self._segments[gone]
        return self._searcher

    def _frequency(self, field: str, term: str) -> int:
        """Practices containing a term in the current searcher (kept until it changes)."""
        key = (field, term)
        if key not in self._frequencies:
            self._frequencies[key] = self._searcher.doc_frequency(field, term)
        return self._frequencies[key]

    def _segment(self, sub) -> _Segment:
        key = sub.reader().segment().segment_id()
        if key not in self._segments:
            self._segments[key] = _Segment.read(sub.reader(), [f.name for f in self.filters])
        return self._segments[key]

    def _search(self, request: Request) -> Found:
        with self._local:
            searcher = self._fresh_searcher()
            leaves = [(sub.reader(), self._segment(sub)) for sub, _ in searcher.leaf_searchers()
                      if sub.reader().segment() is not None]  # none in an empty index
            size = max(sum(len(seg.ids) for _, seg in leaves), 1)
            average = {field: max(sum(seg.lengths[field].sum() for _, seg in leaves) / size, 1.0)
                       for field in ("title", "text", "concepts")}
            parsed = request.parsed
            parts_found = []
            for reader, segment in leaves:
                keep = segment.mask(request)
                deleted = reader.deleted_docs_set
                if deleted:
                    keep[list(deleted)] = False
                if parsed.units:
                    scorer = _Scorer(segment, reader, self._frequency, searcher.doc_count_all(),
                                     average)
                    units = [scorer.unit(u) for u in parsed.units]
                    mask, scores = (_all if parsed.match_all else _any)(units)
                    keep &= mask
                else:
                    scores = np.zeros(len(segment.ids))
                docs = np.flatnonzero(keep)
                parts_found.append((segment, docs, scores[docs]))
            return _collect(parts_found, request)

    def _stored(self, ids: list[str]) -> dict[str, Stored]:
        with self._local:
            searcher = self._fresh_searcher()
            found = {}
            for practice_id in ids:
                docnum = searcher.document_number(id=practice_id)
                if docnum is not None:
                    shown = searcher.stored_fields(docnum)["shown"]
                    found[practice_id] = Stored(
                        shown["title"], [tuple(t) for t in shown["texts"]], shown["title_count"])
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
            if not self._searcher.is_closed:
                self._searcher.close()
            self._segments.clear()


def _collect(parts: list[tuple[_Segment, np.ndarray, np.ndarray]], request: Request) -> Found:
    """Facet counts over every hit, then the sorted slice (ties broken by practice id)."""
    if not parts:
        return Found(0, [], {name: {} for name in request.facets})
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
    ids = np.concatenate([s.ids[d] for s, d, _ in parts])
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
    scores = np.concatenate([sc for _, _, sc in parts])
    page = order[request.offset:wanted]
    return Found(total, [(str(ids[i]), float(scores[i])) for i in page],
                 {name: dict(c) for name, c in counts.items()})
