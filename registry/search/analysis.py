"""Text analysis shared by every backend: folding, tokens, stop words and stems per language.

Text is folded before it is stemmed (``educación`` and ``educacion`` both become ``educ``):
people type without accents, so the index must not depend on them. The Snowball stemmers
(PyStemmer) and the Snowball stop lists shipped with whoosh are the same algorithms and lists
PostgreSQL uses in its ``spanish``/``english``/``french``/``portuguese`` configurations.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import Stemmer
from whoosh.lang.stopwords import stoplists

#: The languages analysed with their own stemmer and stop words.
LANGUAGES = ("es", "en", "fr", "pt")
STEMMER_NAMES = {"es": "spanish", "en": "english", "fr": "french", "pt": "portuguese"}

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ß": "ss",
                            "’": "'", "ı": "i"})
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without accents or ligatures: ``Pauvreté`` → ``pauvrete``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


STOP_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(fold(w) for w in stoplists[lang]) for lang in LANGUAGES
}
#: A query's language is unknown, so a query drops a word that is a stop word in any language.
QUERY_STOP_WORDS: frozenset[str] = frozenset().union(*STOP_WORDS.values())

_STEMMERS = {lang: Stemmer.Stemmer(name) for lang, name in STEMMER_NAMES.items()}


@dataclass(frozen=True)
class Token:
    """A word of a text: where it is, its folded form and its stem in the text's language."""

    start: int
    end: int
    word: str
    stem: str


def words(text: str) -> list[str]:
    """The folded words of a text, stop words included."""
    return _WORD.findall(fold(text))


def stems(text: str, lang: str) -> list[str]:
    """The stems of a text's words that are not stop words in ``lang``."""
    stop = STOP_WORDS[lang]
    return _STEMMERS[lang].stemWords([w for w in words(text) if w not in stop])


def phrase_keys(text: str, lang: str) -> list[str]:
    """Every folded word of a text stemmed in ``lang``, stop words included (for phrases)."""
    return _STEMMERS[lang].stemWords(words(text))


def plural(word: str, lang: str) -> str:
    """A regular plural of a folded word, for the words whose stem changes with number.

    Snowball stems "mujer" to "muj" but "mujeres" to "mujer"; terms and query words are
    looked up in both numbers so that such pairs still meet.
    """
    if word.endswith(("s", "x", "z")) and lang != "en":
        return word
    if lang == "en":
        if word.endswith(("s", "x", "z", "ch", "sh")):
            return word + "es"
        if word.endswith("y") and word[-2:-1] not in ("a", "e", "o", "u"):
            return word[:-1] + "ies"
        return word + "s"
    if lang in ("es", "pt") and word[-1] not in "aeiou":
        return word + "es"
    return word + "s"


def tokens(text: str, lang: str) -> list[Token]:
    """The words of a text that are not stop words, with their spans in the original text.

    Snippets highlight through these spans; folding may change a text's length (``œ``), so
    each folded character remembers the original character it came from.
    """
    pieces = [fold(c) for c in text]
    origin = [i for i, piece in enumerate(pieces) for _ in piece]
    folded = "".join(pieces)
    stop = STOP_WORDS[lang]
    found = [m for m in _WORD.finditer(folded) if m.group() not in stop]
    stemmed = _STEMMERS[lang].stemWords([m.group() for m in found])
    return [Token(origin[m.start()], origin[m.end() - 1] + 1, m.group(), stem)
            for m, stem in zip(found, stemmed, strict=True)]


def guess_language(text: str, hint: str | None = None) -> str:
    """The language to analyse a text in: ``hint`` when it is one we stem, else by stop words."""
    if hint in STOP_WORDS:
        return hint
    counts = {lang: 0 for lang in LANGUAGES}
    for word in words(text[:2000]):
        for lang in LANGUAGES:
            if word in STOP_WORDS[lang]:
                counts[lang] += 1
    best = max(LANGUAGES, key=lambda lang: counts[lang])
    return best if counts[best] else "en"


@lru_cache(maxsize=4096)
def query_stems(word: str) -> tuple[str, ...]:
    """A query word's stems in every language and both numbers (the query has no language)."""
    forms = {word}
    if word.endswith("es"):
        forms.add(word[:-2])
    if word.endswith("s"):
        forms.add(word[:-1])
    found = []
    for lang in LANGUAGES:
        found.extend(_STEMMERS[lang].stemWords(sorted({*forms, plural(word, lang)})))
    return tuple(dict.fromkeys(s for s in found if len(s) > 1))


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order, once each."""
    return list(dict.fromkeys(items))
