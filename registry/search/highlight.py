"""Highlighted snippets: the passage of a practice that shows why it matched, as safe HTML.

Words are found the way they were indexed (folded, stemmed in the text's language), and a
concept is highlighted where one of its terms is written, in whatever language: a Spanish
query for "familias monoparentales" marks "single mothers" in an English practice.
Candidates are found with one regular expression over the folded text before anything is
stemmed, so a snippet costs a fraction of a millisecond for a page of hits.
"""

from __future__ import annotations

import re
from html import escape

from registry.search.analysis import STOP_WORDS, WORD, fold, stem_all
from registry.search.query import ParsedQuery
from registry.search.thesaurus import Thesaurus

#: Characters of text a snippet shows.
SNIPPET_CHARS = 240
#: Words after a candidate in which a concept term may end.
LONGEST_TERM = 8
#: Candidates examined per text; enough to find the best passage of a long description.
MAX_CANDIDATES = 60


class Highlighter:
    """Cuts snippets for one query: its stems, concepts and candidate patterns, read once."""

    def __init__(self, parsed: ParsedQuery, thesaurus: Thesaurus) -> None:
        self.thesaurus = thesaurus
        self.stems = parsed.stems
        self.concepts = set(parsed.concepts)
        self._patterns: dict[str, re.Pattern[str] | None] = {}

    def snippet(self, texts: list[tuple[str, str]], title_count: int,
                size: int = SNIPPET_CHARS) -> str:
        """The passage with the most distinct query words and concepts, matches in ``<mark>``.

        The title (the first ``title_count`` texts) is shown apart, so it is used only when
        nothing else matches; with no match at all the snippet is the start of the body.
        """
        best: tuple[float, int, list[tuple[int, int, str]]] | None = None
        for index, (lang, text) in enumerate(texts):
            spans = self._matches(text, lang)
            if not spans:
                continue
            score, _ = _best_window(spans, size)
            score -= 0.5 if index < title_count else 0
            if best is None or score > best[0]:
                best = (score, index, spans)
        if best is None:
            body = texts[title_count:] or texts
            return _render(body[0][1], 0, size, []) if body else ""
        _, index, spans = best
        return _render(texts[index][1], _best_window(spans, size)[1], size, spans)

    def _pattern(self, lang: str) -> re.Pattern[str] | None:
        """One expression finding every word that may be a match, in folded text."""
        if lang not in self._patterns:
            prefixes = {_prefix(s) for s in self.stems}
            prefixes |= {_prefix(k) for k in self.thesaurus.first_keys(self.concepts, lang)}
            prefixes.discard("")
            alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len,
                                                                  reverse=True))
            self._patterns[lang] = re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*") \
                if prefixes else None
        return self._patterns[lang]

    def _matches(self, text: str, lang: str) -> list[tuple[int, int, str]]:
        """Spans of the original text that match a query stem or name a query concept."""
        pattern = self._pattern(lang)
        if pattern is None:
            return []
        folded = fold(text)
        origin = None
        if len(folded) != len(text):
            pieces = [fold(c) for c in text]
            origin = [i for i, piece in enumerate(pieces) for _ in piece] + [len(text)]
            folded = "".join(pieces)
        stop = STOP_WORDS[lang]
        spans: list[tuple[int, int, str]] = []
        for count, found in enumerate(pattern.finditer(folded)):
            if count == MAX_CANDIDATES:
                break
            word = found.group()
            stem = stem_all([word], lang)[0]
            if word not in stop and stem in self.stems:
                spans.append((found.start(), found.end(), stem))
                continue
            following = [m for _, m in zip(range(LONGEST_TERM),
                                           WORD.finditer(folded, found.start()), strict=False)]
            keys = stem_all([m.group() for m in following], lang)
            for match in self.thesaurus.match(keys, lang):
                if match.start == 0 and match.concept in self.concepts:
                    spans.append((found.start(), following[match.end - 1].end(), match.concept))
                    break
        if origin is not None:
            spans = [(origin[s], origin[e - 1] + 1, key) for s, e, key in spans]
        return spans


def _prefix(stem: str) -> str:
    """A prefix of every word with this stem (English stems may end in "i" for "y")."""
    return stem[:-1] if len(stem) > 3 else stem


def _best_window(spans: list[tuple[int, int, str]], size: int) -> tuple[float, int]:
    """The window start whose passage holds the most distinct keys (then the most matches)."""
    best_score, best_start = -1.0, 0
    for anchor, _, _ in spans:
        start = max(0, anchor - size // 5)
        inside = [key for s, e, key in spans if s >= start and e <= start + size]
        score = len(set(inside)) + 0.01 * len(inside)
        if score > best_score:
            best_score, best_start = score, start
    return best_score, best_start


def _render(text: str, start: int, size: int, spans: list[tuple[int, int, str]]) -> str:
    """Escaped text of the window, cut at spaces, with ``<mark>`` around the spans in it."""
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    pieces: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for s, e, _ in sorted({(s, e, k) for s, e, k in spans if s >= start and e <= end}):
        if s < cursor:
            continue
        pieces += [escape(text[cursor:s], quote=False), "<mark>", escape(text[s:e], quote=False),
                   "</mark>"]
        cursor = e
    pieces += [escape(text[cursor:end], quote=False), "…" if end < len(text) else ""]
    return " ".join("".join(pieces).split())
