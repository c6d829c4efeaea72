"""A query as every backend receives it: units that must match, each with its alternatives.

A query has no language of its own (a Quito officer types Spanish, the practice may be in
English), so it is read in all four: every span that names a thesaurus concept in some
language becomes one unit, longest spans first; every other word that is not a stop word
becomes a unit of its own. A unit matches a practice that is indexed under one of its
concepts, or that contains its word (any language's stem of it); a unit of several words
also matches when all the smaller units read inside it match ("elderly carers" is the
concept elderly_care, or both elderly and carers).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from registry.search.analysis import LANGUAGES, QUERY_STOP_WORDS, phrase_keys, query_stems, words
from registry.search.thesaurus import Thesaurus


@dataclass(frozen=True)
class Unit:
    """One part of a query, matched by any of its alternatives.

    ``word`` by any language's stem of it, ``concepts`` by any of them, ``parts`` when every
    part matches, ``terms`` (index terms taken as they are, for more-like-this) by any.
    """

    word: str = ""
    concepts: frozenset[str] = frozenset()
    parts: tuple[Unit, ...] = ()
    terms: tuple[str, ...] = ()

    @property
    def stems(self) -> tuple[str, ...]:
        """The stems any language gives the word."""
        return query_stems(self.word) if self.word else ()

    def all_stems(self) -> set[str]:
        return {*self.stems, *self.terms}.union(*(p.all_stems() for p in self.parts))

    def all_concepts(self) -> set[str]:
        return set(self.concepts).union(*(p.all_concepts() for p in self.parts))


@dataclass(frozen=True)
class ParsedQuery:
    """The query text and its units; ``match_all`` is False when any one unit suffices.

    ``exclude`` names practices to leave out (a practice is not similar to itself).
    """

    text: str
    units: tuple[Unit, ...] = ()
    match_all: bool = True
    exclude: tuple[str, ...] = ()

    @cached_property
    def concepts(self) -> list[str]:
        return sorted(set().union(*(u.all_concepts() for u in self.units)))

    @cached_property
    def stems(self) -> set[str]:
        """Every stem and index term the query can match (for highlighting)."""
        return set().union(*(u.all_stems() for u in self.units))


def parse_query(text: str, thesaurus: Thesaurus) -> ParsedQuery:
    """Split a query into concept units and word units (see the module docstring)."""
    raw = words(text)
    spans: dict[tuple[int, int], set[str]] = {}
    for lang in LANGUAGES:
        for found in thesaurus.match(phrase_keys(text, lang), lang):
            spans.setdefault((found.start, found.end), set()).add(found.concept)
    units = _units(raw, spans, 0, len(raw), whole=True)
    if not units and raw:
        units = [Unit(word) for word in dict.fromkeys(raw)]
    return ParsedQuery(text, tuple(dict.fromkeys(units)))


def _units(raw: list[str], spans: dict[tuple[int, int], set[str]], start: int, end: int,
           whole: bool = False) -> list[Unit]:
    """The units of words ``start`` to ``end``: concept spans longest first, then words.

    Inside a concept span (``whole`` false) the span itself is left out, to read its parts.
    """
    inside = sorted(((s, e) for s, e in spans
                     if start <= s and e <= end and (whole or (s, e) != (start, end))),
                    key=lambda span: (span[0] - span[1], span[0]))
    taken: dict[int, int] = {}
    covered: set[int] = set()
    for s, e in inside:
        if covered.isdisjoint(range(s, e)):
            taken[s] = e
            covered.update(range(s, e))
    units: list[Unit] = []
    i = start
    while i < end:
        if i in taken:
            e = taken[i]
            if e - i == 1:
                units.append(Unit(raw[i], frozenset(spans[i, e])))
            else:
                parts = tuple(_units(raw, spans, i, e))
                units.append(Unit(concepts=frozenset(spans[i, e]), parts=parts))
            i = e
            continue
        if raw[i] not in QUERY_STOP_WORDS:
            units.append(Unit(raw[i]))
        i += 1
    return units
