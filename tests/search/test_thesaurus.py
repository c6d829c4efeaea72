"""The concept thesaurus: complete in four languages, and extendable by plugins."""

from __future__ import annotations

import pytest

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
