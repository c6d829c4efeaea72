"""The concept thesaurus: the same idea in four languages, so a query crosses languages.

Every term is analysed like text (folded, each word stemmed in the term's language, stop
words kept so that "famille d'accueil" stays a phrase) and matched word by word. A practice
is indexed under every concept its texts mention; a query is split into concept spans,
longest first, and plain words (see ``registry.search.query``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from registry.search.analysis import LANGUAGES, STOP_WORDS, phrase_keys, plural, words

#: The built-in thesaurus (data, not code: add terms there).
THESAURUS_FILE = Path(__file__).parent / "data" / "thesaurus.toml"

#: ``{concept id: {language: [terms]}}``, the shape of the data file and of plugin concepts.
Concepts = Mapping[str, Mapping[str, Sequence[str]]]

_CONCEPT_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class ConceptMatch:
    """Words ``start`` to ``end`` (exclusive) of a text name ``concept``."""

    start: int
    end: int
    concept: str


class Thesaurus:
    """Concept terms compiled per language into phrase tables keyed by their first word."""

    def __init__(self, concepts: Concepts) -> None:
        self.concepts = {concept: {lang: list(terms) for lang, terms in by_lang.items()}
                         for concept, by_lang in concepts.items()}
        self._phrases: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = {
            lang: {} for lang in LANGUAGES}
        for concept, by_lang in self.concepts.items():
            for lang, terms in by_lang.items():
                table = self._phrases[lang]
                for term in terms:
                    for keys in _number_forms(term, lang):
                        if (keys, concept) not in table.get(keys[0], ()):
                            table.setdefault(keys[0], []).append((keys, concept))
        self._first_keys: dict[tuple[str, str], set[str]] = {}
        #: Per language and first key: the concepts of one-word terms, and the longer terms
        #: with their keys and as a ``_joined`` needle.
        self._starts: dict[str, dict[str, tuple[frozenset[str],
                                                list[tuple[str, tuple[str, ...], str]]]]] = {}
        for lang, table in self._phrases.items():
            for key, phrases in table.items():
                phrases.sort(key=lambda item: -len(item[0]))
                for _, concept in phrases:
                    self._first_keys.setdefault((concept, lang), set()).add(key)
            self._starts[lang] = {
                key: (frozenset(c for phrase, c in phrases if len(phrase) == 1),
                      [(_joined(p), p, c) for p, c in phrases if len(p) > 1])
                for key, phrases in table.items()}
        #: Sets, for a set intersection walks the smaller side only if both are sets.
        self._start_keys = {lang: frozenset(table) for lang, table in self._phrases.items()}

    @classmethod
    def load(cls, extra: Iterable[Concepts] = ()) -> Thesaurus:
        """The built-in thesaurus merged with concepts from plugins (checked, terms added)."""
        with THESAURUS_FILE.open("rb") as handle:
            merged = {c: {lang: list(t) for lang, t in by_lang.items()}
                      for c, by_lang in tomllib.load(handle).items()}
        for concepts in extra:
            for concept, by_lang in check_concepts(concepts).items():
                for lang, terms in by_lang.items():
                    merged.setdefault(concept, {}).setdefault(lang, []).extend(terms)
        return cls(merged)

    def match(self, keys: Sequence[str], lang: str) -> list[ConceptMatch]:
        """Every concept term in a sequence of phrase keys, overlapping ones included."""
        table = self._phrases[lang]
        found = []
        for i, key in enumerate(keys):
            for phrase, concept in table.get(key, ()):
                if tuple(keys[i:i + len(phrase)]) == phrase:
                    found.append(ConceptMatch(i, i + len(phrase), concept))
        return found

    def concepts_in(self, keys: Sequence[str], lang: str) -> set[str]:
        """The concepts ``match`` finds, without their places: what a practice is indexed
        under. Set operations stand in for a walk over every key: a one-word term is found
        when its key is there, a longer one looked for only when all its keys are."""
        starts = self._starts[lang]
        present = set(keys)
        found: set[str] = set()
        joined = ""
        for key in present.intersection(self._start_keys[lang]):
            single, longer = starts[key]
            found |= single
            for needle, phrase, concept in longer:
                if concept not in found and present.issuperset(phrase):
                    joined = joined or _joined(keys)
                    if needle in joined:
                        found.add(concept)
        return found

    def first_keys(self, concepts: set[str], lang: str) -> set[str]:
        """The first phrase key of each ``lang`` term of these concepts (snippets seek them)."""
        return set().union(*(self._first_keys.get((c, lang), ()) for c in concepts))


def _joined(keys: Sequence[str]) -> str:
    """Keys as one string in which a phrase is a substring: keys are stems of words, and no
    word holds a NUL."""
    return "\0" + "\0".join(keys) + "\0"


def _number_forms(term: str, lang: str) -> set[tuple[str, ...]]:
    """The phrase keys of a term as written and with its words in the plural."""
    written = words(term)
    if not written:
        return set()
    content = [i for i, w in enumerate(written) if w not in STOP_WORDS[lang]]
    forms = {tuple(written)}
    for chosen in (content, content[:1], content[-1:]):
        forms.add(tuple(plural(w, lang) if i in chosen else w for i, w in enumerate(written)))
    return {tuple(phrase_keys(" ".join(form), lang)) for form in forms}


def check_concepts(concepts: Concepts) -> Concepts:
    """Plugin concepts as given, or a ValueError that names the concept and what is wrong."""
    for concept, by_lang in concepts.items():
        if not isinstance(concept, str) or not _CONCEPT_ID.match(concept):
            raise ValueError(f"search concept {concept!r}: ids are lower case letters, digits "
                             "and underscores, starting with a letter")
        if not isinstance(by_lang, Mapping):
            raise ValueError(f"search concept {concept!r}: expected {{language: [terms]}}")
        for lang, terms in by_lang.items():
            if lang not in LANGUAGES:
                raise ValueError(f"search concept {concept!r}: language {lang!r} is not one of "
                                 f"{', '.join(LANGUAGES)}")
            if isinstance(terms, str) or not all(isinstance(t, str) and t.strip()
                                                 for t in terms):
                raise ValueError(f"search concept {concept!r}: {lang} terms must be a list of "
                                 "non-empty strings")
    return concepts
