"""Text analysis gives the same results as its plain formulation, for any text.

``fold``, ``words`` and ``stem_all`` take shortcuts (replacements instead of a translation
table, memos of chunks and stems); queries and documents must still meet, so each is
compared with the straightforward version written here.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
import Stemmer
from hypothesis import given
from hypothesis import strategies as st

from registry.search import analysis
from registry.search.analysis import (
    LANGUAGES,
    STEMMER_NAMES,
    STOP_WORDS,
    WORD,
    fold,
    guess_language,
    phrase_keys,
    stem_all,
    words,
)

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ß": "ss",
                            "’": "'", "ı": "i"})
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
STEMMERS = {lang: Stemmer.Stemmer(name) for lang, name in STEMMER_NAMES.items()}
SPACES = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]


def plain_fold(text: str) -> str:
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES)))


def plain_words(text: str) -> list[str]:
    return WORD.findall(plain_fold(text))


#: Text rich in what folding changes: accents (composed and not), ligatures, compatibility
#: forms, letters whose case folding grows, and every kind of white space.
TEXT = st.lists(st.one_of(
    st.sampled_from("aeEnNsS çÇéÉñÑüÜœŒæÆøØłŁđĐßẞ’ıİﬁ™℃²½ⅫΣσς\u0301\u0308\u0327\u20d7-_'.,"),
    st.sampled_from(["e\u0301s", "Cafe\u0301", "ﬁn", "İstanbul", "œuvre", "d’accueil", "Straße",
                     "a™b", "5℃", "ΣΑΣ", "a\u0308\u0301e", "x²y"]),
    st.sampled_from(SPACES),
    st.characters(),
), max_size=30).map("".join)


@given(TEXT)
def test_fold_and_words_match_their_plain_formulation(text):
    assert fold(text) == plain_fold(text)
    assert words(text) == plain_words(text)


@given(st.lists(TEXT, max_size=8), st.sampled_from(LANGUAGES))
def test_stems_and_phrase_keys_match_the_stemmer(texts, lang):
    found = [w for text in texts for w in plain_words(text)]
    assert stem_all(found, lang) == STEMMERS[lang].stemWords(found)
    assert phrase_keys(" ".join(texts), lang) == STEMMERS[lang].stemWords(
        plain_words(" ".join(texts)))


@given(TEXT, st.sampled_from([None, "", "de", *LANGUAGES]))
def test_guess_language_matches_its_plain_formulation(text, hint):
    if hint in STOP_WORDS:
        expected = hint
    else:
        counts = {lang: sum(w in STOP_WORDS[lang] for w in plain_words(text[:2000]))
                  for lang in LANGUAGES}
        best = max(LANGUAGES, key=lambda lang: counts[lang])
        expected = best if counts[best] else "en"
    assert guess_language(text, hint) == expected


def test_white_space_folds_to_white_space():
    """Why ``words`` may split a text at white space before folding it."""
    for space in SPACES:
        folded = unicodedata.normalize("NFKD", space.casefold())
        assert folded and all(c.isspace() and not unicodedata.combining(c) for c in folded)
        assert fold(space) == folded


@pytest.mark.parametrize("size", [1, 3])
def test_full_memos_start_afresh(monkeypatch, size):
    monkeypatch.setattr(analysis, "MEMO_SIZE", size)
    text = ("Las familias d’accueil œuvrent: São Paulo, Zürich, FAMILIAS; familias. "
            "https://example.org/Práticas-de-acolhimento-familiar/São-Paulo/relatório")
    for _ in range(2):
        assert words(text) == plain_words(text)
        assert stem_all(words(text), "es") == STEMMERS["es"].stemWords(plain_words(text))
    assert len(analysis._CHUNK_WORDS) <= size
