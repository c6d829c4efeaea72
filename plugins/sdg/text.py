"""Tokens, accent folding and light stemming shared by the lexicon and the texts it reads.

The lexicon and the text go through the same functions, so a phrase written once in the data
("violencia de género") matches its plural, capitalised and unaccented forms ("Violencias de
Genero"). The stemmer only folds plural and final-vowel variants; it is deliberately weak so
that its mistakes stay rare and predictable across English, Spanish, French and Portuguese.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Words (numbers keep their decimal point: "1.25"), and sentence boundaries as tokens of their own.
TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[.!?;•\n]")
BOUNDARIES = frozenset(".!?;•\n")
_WORD_SEPARATORS_RE = re.compile(r"[-'’/&+]")


def fold(text: str) -> str:
    """Lower-case, accent-free text ("Género" -> "genero"), so matching ignores diacritics.

    ASCII text has nothing to decompose and folds like it lower-cases: most words take that
    short way."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Light stem of a folded word: plural "s", French "-aux", "-ie" -> "-y", final "e".

    "families"/"family" -> "family", "mujeres"/"mujer" -> "mujer", "sociaux"/"sociale" ->
    "social", "services"/"service" -> "servic". Words of three letters or less are kept.
    """
    if len(word) <= 3 or word[0].isdigit():
        return word
    if word.endswith("aux") and len(word) > 5:
        word = word[:-3] + "al"
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 4 and word.endswith("ie"):
        return word[:-2] + "y"
    if len(word) > 4 and word.endswith("e"):
        return word[:-1]
    return word


def phrase_words(phrase: str) -> list[str]:
    """The words of a lexicon phrase as written: hyphens, apostrophes and slashes split words,
    a trailing ``*`` stays on its word (a prefix pattern)."""
    return _WORD_SEPARATORS_RE.sub(" ", phrase).split()
