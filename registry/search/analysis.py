"""Text analysis shared by every backend: folding, tokens, stop words and stems per language.

Text is folded before it is stemmed (``educación`` and ``educacion`` both become ``educ``):
people type without accents, so the index must not depend on them. The Snowball stemmers
(PyStemmer) and the Snowball stop lists shipped with whoosh are the same algorithms and lists
PostgreSQL uses in its ``spanish``/``english``/``french``/``portuguese`` configurations.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from itertools import chain

import Stemmer
from whoosh.lang.stopwords import stoplists

#: The languages analysed with their own stemmer and stop words.
LANGUAGES = ("es", "en", "fr", "pt")
STEMMER_NAMES = {"es": "spanish", "en": "english", "fr": "french", "pt": "portuguese"}

#: Replaced one by one: ``str.translate`` looks every character of a text up in a dict, and
#: ``str.replace`` of a character the text lacks only scans it.
_LIGATURES = (("œ", "oe"), ("æ", "ae"), ("ø", "o"), ("ł", "l"), ("đ", "d"), ("ß", "ss"),
              ("’", "'"), ("ı", "i"))
WORD = re.compile(r"[^\W_]+")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
#: Entries a memo holds before it starts afresh (some megabytes at most), and the longest
#: string it keeps (long chunks, such as whole lines of unspaced scripts, seldom recur).
MEMO_SIZE = 1 << 15
MEMO_KEY_LENGTH = 40


def fold(text: str) -> str:
    """Lower case without accents or ligatures: ``Pauvreté`` → ``pauvrete``."""
    if text.isascii():
        return text.lower()
    text = text.casefold()
    for ligature, plain in _LIGATURES:
        if ligature in text:
            text = text.replace(ligature, plain)
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


class _Memo(dict):
    """Results of a function of a string, computed on first use: texts repeat their words,
    so a dict lookup replaces most calls. Emptied when full; it soon fills again."""

    def __init__(self, compute: Callable[[str], object]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: str) -> object:
        value = self.compute(key)
        if len(key) <= MEMO_KEY_LENGTH:
            if len(self) >= MEMO_SIZE:
                self.clear()
            self[key] = value
        return value


STOP_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(fold(w) for w in stoplists[lang]) for lang in LANGUAGES
}
#: A query's language is unknown, so a query drops a word that is a stop word in any language.
QUERY_STOP_WORDS: frozenset[str] = frozenset().union(*STOP_WORDS.values())

_STEMMERS = {lang: Stemmer.Stemmer(name) for lang, name in STEMMER_NAMES.items()}
_STEMS = {lang: _Memo(stemmer.stemWord) for lang, stemmer in _STEMMERS.items()}

#: The words of each whitespace-separated chunk of text. Folding never moves a word boundary
#: across white space (every white space character folds to itself or to spaces, none of
#: them a word character or a combining mark), so a text's words are its chunks' words.
_CHUNK_WORDS = _Memo(lambda chunk: tuple(WORD.findall(fold(chunk))))


def words(text: str) -> list[str]:
    """The folded words of a text, stop words included."""
    return list(chain.from_iterable(map(_CHUNK_WORDS.__getitem__, text.split())))


def stem_all(found: list[str], lang: str) -> list[str]:
    """The stems of folded words in ``lang``, stop words included."""
    return list(map(_STEMS[lang].__getitem__, found))


def phrase_keys(text: str, lang: str) -> list[str]:
    """Every folded word of a text stemmed in ``lang``, stop words included (for phrases)."""
    return stem_all(words(text), lang)


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
