"""What every backend shares: analysis, query reading, suggestions, similar practices, snippets.

A backend implements the storage half (``_write``, ``_delete``, ``_clear``, ``_search``,
``_stored``, ``_vocabulary``, ``_doc_freqs``); this class turns records into
``IndexedDocument`` objects and queries into ``ParsedQuery`` objects, so the three backends
analyse text, expand concepts, correct spelling and cut snippets identically.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace

from registry.search import (
    SORTS,
    FacetValue,
    Hit,
    SearchArgumentError,
    SearchField,
    SearchResults,
)
from registry.search.analysis import QUERY_STOP_WORDS, WORD, fold, phrase_keys
from registry.search.documents import IndexedDocument, analysed_terms, build_document
from registry.search.facets import BUILT_IN_FACETS, TAG_FILTER, Facet
from registry.search.highlight import Highlighter
from registry.search.query import ParsedQuery, Unit, parse_query
from registry.search.thesaurus import Concepts, Thesaurus

#: Largest page a query may ask for.
MAX_PER_PAGE = 100
#: Distinctive words of a practice that "similar practices" looks for, besides its concepts,
#: chosen by tf·idf among its most frequent words.
SIMILAR_TERMS = 12
SIMILAR_CANDIDATES = 40


@dataclass(frozen=True)
class Request:
    """A query as a backend runs it: what to match, which filters, which slice, which counts."""

    parsed: ParsedQuery
    filters: dict[str, list[str]]
    years: tuple[int | None, int | None] | None
    sort: str
    offset: int
    limit: int
    facets: tuple[str, ...]


@dataclass(frozen=True)
class Found:
    """A backend's answer: the number of matches, the requested slice, facet counts."""

    total: int
    hits: list[tuple[str, float]]
    facets: dict[str, dict[str, int]]


@dataclass(frozen=True)
class Stored:
    """What a backend keeps of a practice to show it: title and texts with their languages.

    The first ``title_count`` texts are the title's.
    """

    title: str
    texts: list[tuple[str, str]]
    title_count: int = 1


class SearchEngine(ABC):
    """The shared half of a backend (see the module docstring)."""

    def __init__(self, extra_fields: Iterable[SearchField] = (),
                 concepts: Iterable[Concepts] = ()) -> None:
        self.facets: tuple[Facet, ...] = BUILT_IN_FACETS + tuple(
            Facet(f.name, f.label or f.name, f.extract) for f in extra_fields)
        self.filters: tuple[Facet, ...] = (*self.facets, TAG_FILTER)
        self.facet_names = tuple(f.name for f in self.facets)
        self.thesaurus = Thesaurus.load(concepts)

    # -- the SearchIndex interface ---------------------------------------------------------

    #: Whether ``bulk`` indexes each batch as it comes (a bulk import then gives it a process
    #: of its own, working while the documents are prepared and stored).
    incremental_bulk = False

    def index(self, records: list[dict]) -> None:
        if records:
            self._write(self._documents(records))

    @contextmanager
    def bulk(self) -> Iterator[Callable[[list[dict]], None]]:
        """Index records handed over in batches, as one ``index`` call with all of them at the
        end would: this default collects them and does exactly that."""
        records: list[dict] = []
        yield records.extend
        self.index(records)

    def _documents(self, records: list[dict]) -> list[IndexedDocument]:
        return [build_document(r, self.filters, self.thesaurus) for r in records]

    def delete(self, ids: list[str]) -> None:
        if ids:
            self._delete(list(ids))

    def clear(self) -> None:
        self._clear()

    def query(
        self, text: str, *, filters: dict[str, list[str]] | None = None,
        page: int = 1, per_page: int = 20, sort: str = "relevance",
        facets: Sequence[str] = (), years: tuple[int | None, int | None] | None = None,
    ) -> SearchResults:
        """Run a query; when it finds nothing, suggest a spelling and relax it to any word."""
        request = self._request(text, filters, page, per_page, sort, facets, years)
        found = self._search(request)
        suggestion, relaxed = None, False
        if found.total == 0 and request.parsed.units:
            suggestion = self._suggestion(request)
            if len(request.parsed.units) > 1:
                loose = self._search(replace(request, parsed=replace(request.parsed,
                                                                     match_all=False)))
                found, relaxed = loose, loose.total > 0
        return SearchResults(
            query=text, total=found.total, page=page, per_page=per_page,
            hits=self._hits(found.hits, request.parsed),
            facets={name: [FacetValue(v, c) for v, c in sorted(
                counts.items(), key=lambda item: (-item[1], item[0]))]
                for name, counts in found.facets.items()},
            suggestion=suggestion, relaxed=relaxed, sort=sort,
            concepts=request.parsed.concepts,
        )

    def similar(self, practice_id: str, *, limit: int = 5) -> list[Hit]:
        """Practices sharing this one's concepts and its most distinctive words.

        Words are weighted by tf·idf over the index; concepts need no translation, so
        similar practices in other languages are found too.
        """
        stored = self._stored([practice_id]).get(practice_id)
        if stored is None:
            return []
        counts = Counter(analysed_terms(stored.texts))
        concepts = set().union(*(self.thesaurus.concepts_in(phrase_keys(text, lang), lang)
                                 for lang, text in stored.texts))
        frequent = [(t, tf) for t, tf in counts.most_common() if len(t) > 2]
        frequent = frequent[:SIMILAR_CANDIDATES]
        freqs = self._doc_freqs([t for t, _ in frequent])
        size = max(self._size(), 1)
        weighted = sorted(((tf * math.log(1 + size / (1 + freqs[t])), t)
                           for t, tf in frequent if freqs[t] > 1), reverse=True)
        units = [Unit(concepts=frozenset({c})) for c in sorted(concepts)]
        units += [Unit(terms=(term,)) for _, term in weighted[:SIMILAR_TERMS]]
        if not units:
            return []
        parsed = ParsedQuery("", tuple(units), match_all=False, exclude=(practice_id,))
        found = self._search(Request(parsed, {}, None, "relevance", 0, limit, ()))
        return self._hits(found.hits, parsed)

    # -- shared steps ----------------------------------------------------------------------

    def _request(self, text: str, filters: dict[str, list[str]] | None, page: int,
                 per_page: int, sort: str, facets: Sequence[str],
                 years: tuple[int | None, int | None] | None) -> Request:
        """Check the arguments (a ValueError names the wrong one) and read the query."""
        if sort not in SORTS:
            raise SearchArgumentError("sort", f"sort {sort!r} is not one of {', '.join(SORTS)}")
        if page < 1:
            raise SearchArgumentError("page", "page must be 1 or more")
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise SearchArgumentError("per_page", f"per_page must be 1 to {MAX_PER_PAGE}")
        known = {f.name for f in self.filters}
        for argument, names in (("filter", filters or {}), ("facets", facets)):
            unknown = [n for n in names if n not in known or (argument == "facets"
                                                               and n == TAG_FILTER.name)]
            if unknown:
                raise SearchArgumentError(argument, (
                    f"unknown {'facet' if argument == 'facets' else 'filter'} "
                    f"{', '.join(map(repr, unknown))} (known: {', '.join(sorted(known))})"))
        kept = {name: [str(v) for v in values] for name, values in (filters or {}).items()
                if values}
        if years is not None and years == (None, None):
            years = None
        return Request(parse_query(text, self.thesaurus), kept, years, sort,
                       (page - 1) * per_page, per_page, tuple(dict.fromkeys(facets)))

    def _hits(self, found: list[tuple[str, float]], parsed: ParsedQuery) -> list[Hit]:
        stored = self._stored([practice_id for practice_id, _ in found])
        highlighter = Highlighter(parsed, self.thesaurus)
        hits = []
        for practice_id, score in found:
            doc = stored.get(practice_id) or Stored("", [])
            text = highlighter.snippet(doc.texts, doc.title_count)
            hits.append(Hit(practice_id, doc.title, round(float(score), 6), text))
        return hits

    def _suggestion(self, request: Request) -> str | None:
        """The query with each unknown word replaced by the closest indexed word, if that finds
        something; the candidates share the word's first letter (as most spellers assume)."""
        words = WORD.findall(request.parsed.text)
        changed = False
        corrected = []
        for word in words:
            folded = fold(word)
            if folded in QUERY_STOP_WORDS or len(folded) < 3 or not folded.isalpha():
                corrected.append(word)
                continue
            candidates = dict(self._vocabulary(folded[0]))
            if folded in candidates:
                corrected.append(word)
                continue
            best = closest(folded, candidates)
            corrected.append(_same_case(best, word) if best else word)
            changed = changed or best is not None
        if not changed:
            return None
        text = " ".join(corrected)
        check = replace(request, parsed=parse_query(text, self.thesaurus), offset=0, limit=1,
                        facets=())
        return text if self._search(check).total else None

    # -- the storage half, per backend -----------------------------------------------------

    @abstractmethod
    def _write(self, docs: list[IndexedDocument]) -> None:
        """Add or replace these documents, all in one commit."""

    @abstractmethod
    def _delete(self, ids: list[str]) -> None:
        """Remove these practices, in one commit."""

    @abstractmethod
    def _clear(self) -> None:
        """Remove everything."""

    @abstractmethod
    def _search(self, request: Request) -> Found:
        """Match, filter, count facets, sort and slice (ties broken by id)."""

    @abstractmethod
    def _stored(self, ids: list[str]) -> dict[str, Stored]:
        """Title and texts of these practices."""

    @abstractmethod
    def _vocabulary(self, first_letter: str) -> list[tuple[str, int]]:
        """Indexed words starting with this letter and the number of practices using each."""

    @abstractmethod
    def _doc_freqs(self, terms: list[str]) -> dict[str, int]:
        """How many practices contain each index term."""

    @abstractmethod
    def _size(self) -> int:
        """The number of practices indexed."""


def _same_case(suggested: str, typed: str) -> str:
    """The suggestion written like the typed word: ``JALSICO`` → ``JALISCO``."""
    if typed.isupper() and len(typed) > 1:
        return suggested.upper()
    return suggested.capitalize() if typed[:1].isupper() else suggested


def closest(word: str, candidates: dict[str, int]) -> str | None:
    """The candidate within edit distance 1 (2 for words of 6+ letters), most used first."""
    limit = 2 if len(word) >= 6 else 1
    best: tuple[int, int, str] | None = None
    for candidate, freq in candidates.items():
        if abs(len(candidate) - len(word)) > limit:
            continue
        distance = edit_distance(word, candidate, limit)
        if distance <= limit and (best is None or (distance, -freq, candidate) < best):
            best = (distance, -freq, candidate)
    return best[2] if best else None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count 1), or ``limit + 1`` once past it."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
