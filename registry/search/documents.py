"""The searchable view of a record, analysed once and handed to whichever backend indexes it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from registry.search.analysis import STOP_WORDS, fold, guess_language, stem_all, words
from registry.search.facets import Facet, date_key, start_year, values_of
from registry.search.thesaurus import Thesaurus

#: Shortest word offered as a spelling suggestion.
MIN_SPELL_LENGTH = 3


@dataclass
class IndexedDocument:
    """What every backend stores for a practice.

    ``texts`` are the original texts with their languages, the first ``title_count`` of them
    the title's, kept for snippets;
    ``title_terms`` and ``text_terms`` are stems in each text's own language; ``concepts`` the
    thesaurus concepts the texts mention; ``spell`` the distinct words, for suggestions.
    """

    id: str
    title: str
    texts: list[tuple[str, str]]
    title_count: int = 1
    title_terms: list[str] = field(default_factory=list)
    text_terms: list[str] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)
    spell: list[str] = field(default_factory=list)
    facets: dict[str, list[str]] = field(default_factory=dict)
    year: int | None = None
    date_key: int = 0
    title_key: str = ""

    def texts_in(self, lang: str) -> tuple[str, str]:
        """Title and body text written in ``lang`` (PostgreSQL analyses each language apart)."""
        title = "\n".join(t for lg, t in self.texts[:self.title_count] if lg == lang)
        body = "\n".join(t for lg, t in self.texts[self.title_count:] if lg == lang)
        return title, body


def record_texts(record: dict) -> list[tuple[str, str]]:
    """Every text of a record with its language; the title's languages come first.

    LocalizedText keys give the language; loose strings (names, groups, events) take the
    record's; tag labels, often English whatever the record's language, are told by their words.
    """
    lang = record.get("language") or "en"
    found: list[tuple[str, str]] = []

    def localized(text: dict | None) -> None:
        found.extend((key, value) for key, value in (text or {}).items() if value)

    localized(record.get("title"))
    localized(record.get("summary"))
    localized(record.get("description"))
    for key in ("aims", "future_goals"):
        for text in record.get(key) or []:
            localized(text)
    loose = [record.get("target_groups_text"), record.get("implementing_unit")]
    loose += [(record.get("jurisdiction") or {}).get("name"),
              (record.get("lead_entity") or {}).get("name")]
    loose += [g.get("label") for g in record.get("target_groups") or []]
    loose += [v for s in record.get("stakeholders") or [] for v in (s.get("name"),
                                                                   s.get("contribution"))]
    loose += [v for e in record.get("events") or [] for v in (e.get("title"), e.get("place"))]
    loose += [e.get("summary") for e in record.get("evaluations") or []]
    loose += [k.get("name") for k in record.get("kpis") or []]
    loose += [a.get("award") for a in record.get("awards") or []]
    loose_text = "\n".join(str(v) for v in loose if v)
    if loose_text:
        found.append((lang, loose_text))
    # declared tags' labels only: derived ones are a plugin's words, not the practice's
    labels = "\n".join(t["label"] for t in record.get("tags") or []
                       if t.get("label") and not t.get("derived"))
    if labels:
        found.append(("", labels))
    return [(guess_language(text, key), text) for key, text in found]


def display_title(record: dict) -> str:
    return next((t for t in (record.get("title") or {}).values() if t), "")


def build_document(record: dict, facets: Sequence[Facet], thesaurus: Thesaurus
                   ) -> IndexedDocument:
    """Analyse a record: stems and concepts per text language, facet values, sort keys."""
    texts = record_texts(record)
    title_count = sum(1 for text in (record.get("title") or {}).values() if text)
    doc = IndexedDocument(
        id=record["id"], title=display_title(record), texts=texts, title_count=title_count,
        facets={f.name: values_of(f, record) for f in facets},
        year=start_year(record), date_key=date_key(record),
        title_key=fold(display_title(record)).strip(),
    )
    concepts: set[str] = set()
    seen: dict[str, set[str]] = {}
    for i, (lang, text) in enumerate(texts):
        stop = STOP_WORDS[lang]
        found = words(text)
        keys = stem_all(found, lang)
        terms = [k for w, k in zip(found, keys, strict=True) if w not in stop]
        doc.text_terms.extend(terms)
        if i < title_count:
            doc.title_terms.extend(terms)
        concepts |= thesaurus.concepts_in(keys, lang)
        seen.setdefault(lang, set()).update(found)
    # each word is checked once, however many texts and times it occurs in
    spell = set().union(*(found - STOP_WORDS[lang] for lang, found in seen.items()))
    doc.concepts = sorted(concepts)
    doc.spell = sorted(w for w in spell if len(w) >= MIN_SPELL_LENGTH and w.isalpha())
    return doc


def analysed_terms(texts: list[tuple[str, str]]) -> Iterator[str]:
    """The index terms of stored texts (more-like-this re-reads a practice through this)."""
    for lang, text in texts:
        stop = STOP_WORDS[lang]
        found = words(text)
        yield from (k for w, k in zip(found, stem_all(found, lang), strict=True)
                    if w not in stop)
