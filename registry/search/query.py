"""A query as every backend receives it: units that must match, each with its alternatives.

A query has no language of its own (a Quito officer types Spanish, the practice may be in
English), so it is read in all four: every span that names a thesaurus concept in some
language becomes one unit, longest spans first; every other word that is not a stop word
becomes a unit of its own. A unit matches a practice that is indexed under one of its
concepts, or that contains each of its words (any language's stem of it).
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.search.analysis import LANGUAGES, QUERY_STOP_WORDS, phrase_keys, query_stems, words
from registry.search.thesaurus import Thesaurus


@dataclass(frozen=True)
class Unit:
    """One part of a query: its words (each matched by any of its stems) or its concepts.

    ``terms`` are index terms taken as they are (more-like-this builds units of them).
    """

    words: tuple[str, ...] = ()
    concepts: frozenset[str] = frozenset()
    terms: tuple[str, ...] = ()

    @property
    def stems(self) -> list[tuple[str, ...]]:
        """For each word, the stems any language gives it."""
        return [query_stems(word) for word in self.words]


@dataclass(frozen=True)
class ParsedQuery:
    """The query text and its units; ``match_all`` is False when any one unit suffices.

    ``exclude`` names practices to leave out (a practice is not similar to itself).
    """

    text: str
    units: tuple[Unit, ...] = ()
    match_all: bool = True
    exclude: tuple[str, ...] = ()

    @property
    def concepts(self) -> list[str]:
        return sorted({c for unit in self.units for c in unit.concepts})

    @property
    def stems(self) -> set[str]:
        """Every stem and index term the query can match (for highlighting)."""
        found = {s for unit in self.units for stems in unit.stems for s in stems}
        return found | {t for unit in self.units for t in unit.terms}


def parse_query(text: str, thesaurus: Thesaurus) -> ParsedQuery:
    """Split a query into concept units and word units (see the module docstring)."""
    raw = words(text)
    spans: dict[tuple[int, int], set[str]] = {}
    for lang in LANGUAGES:
        for found in thesaurus.match(phrase_keys(text, lang), lang):
            spans.setdefault((found.start, found.end), set()).add(found.concept)
    taken: dict[int, tuple[int, set[str]]] = {}
    covered: set[int] = set()
    for (start, end), concepts in sorted(spans.items(), key=lambda s: (s[0][0] - s[0][1],
                                                                       s[0][0])):
        if covered.isdisjoint(range(start, end)):
            taken[start] = (end, concepts)
            covered.update(range(start, end))
    units: list[Unit] = []
    i = 0
    while i < len(raw):
        if i in taken:
            end, concepts = taken[i]
            content = tuple(w for w in raw[i:end] if w not in QUERY_STOP_WORDS)
            units.append(Unit(content or tuple(raw[i:end]), frozenset(concepts)))
            i = end
            continue
        if raw[i] not in QUERY_STOP_WORDS:
            units.append(Unit((raw[i],)))
        i += 1
    if not units and raw:
        units = [Unit((word,)) for word in dict.fromkeys(raw)]
    return ParsedQuery(text, tuple(dict.fromkeys(units)))
