"""The concept thesaurus: complete in four languages, and extendable by plugins."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.search.analysis import LANGUAGES
from registry.search.thesaurus import Thesaurus, check_concepts


def test_every_concept_has_terms_in_every_language():
    thesaurus = Thesaurus.load()
    assert len(thesaurus.concepts) >= 50
    incomplete = {c: sorted(set(LANGUAGES) - set(t)) for c, t in thesaurus.concepts.items()
                  if set(t) != set(LANGUAGES) or not all(t.values())}
    assert incomplete == {}


@pytest.mark.parametrize(("concepts", "says"), [
    ({"Kinship Care": {"en": ["kinship care"]}}, "lower case"),
    ({"kinship_care": {"de": ["Verwandtenpflege"]}}, "language 'de'"),
    ({"kinship_care": {"en": "kinship care"}}, "must be a list"),
])
def test_bad_plugin_concepts_are_refused_with_the_reason(concepts, says):
    with pytest.raises(ValueError, match=says):
        check_concepts(concepts)


THESAURUS = Thesaurus.load()
#: Every term as phrase keys, and every word of them or of no term.
PHRASES = sorted({phrase for table in THESAURUS._phrases.values() for phrases in table.values()
                  for phrase, _ in phrases})
WORDS = sorted({word for phrase in PHRASES for word in phrase} | {"zzz", "de", "la"})
KEYS = st.lists(st.one_of(st.sampled_from(WORDS).map(lambda word: (word,)),
                          st.sampled_from(PHRASES)), max_size=30)


@given(KEYS, st.sampled_from(LANGUAGES))
def test_concepts_in_finds_the_concepts_match_finds(parts, lang):
    keys = [key for part in parts for key in part]
    assert THESAURUS.concepts_in(keys, lang) == {m.concept for m in THESAURUS.match(keys, lang)}
