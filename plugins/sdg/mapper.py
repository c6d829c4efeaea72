"""Infer SDG goals and targets from a text or a record, with the words that triggered them.

How a text is read (the data files decide what the words mean):

1. Tokens are folded and lightly stemmed; at each token the longest lexicon phrase wins, and
   a phrase inside an earlier, longer one counts only if it runs past its end ("victimes de
   violences conjugales" is both "victimes de violences" and "violences conjugales").
2. A phrase preceded by a negation cue ("does not address", "no aborda") is dropped, unless the
   words in between describe a deficit ("do not have access to"), which is what programmes
   are about. Boilerplate phrases ("sustainable development", "Agenda 2030") are read and
   ignored, so their words do not count.
3. Strong phrases weigh 1, weak ones 0.5, and two concepts close together in one sentence
   ("women" near "violence") weigh like a strong phrase: "women" or "family" alone never
   decides anything. Explicit references ("SDG 5", "ODS 1.2", "meta 4.2") weigh 2.
4. A goal is kept when its score reaches the threshold and a set share of the best goal's
   score, a larger share when its only evidence is one phrase seen once (a passing mention
   beside the main topic is not enough); its targets need the threshold too. Confidence
   grows with the score and is 0.5 at the threshold.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import compress, count
from operator import attrgetter, itemgetter

from plugins.sdg.lexicon import LABEL_LANGUAGES, Entry, Lexicon, Pair, load_lexicon
from plugins.sdg.text import BOUNDARIES, TOKEN_RE

_EXPLICIT_RE = re.compile(
    r"\b(?:SDGs?|ODS|ODD|Sustainable\s+Development\s+Goals?|Objetivos?\s+de\s+Desarrollo\s+"
    r"Sostenible|Objectifs?\s+de\s+d[ée]veloppement\s+durable|Objetivos?\s+de\s+"
    r"Desenvolvimento\s+Sustent[áa]vel)\s*(?:n[°º.o]\s*|#\s*)?"
    r"((?:1[0-7]|[1-9])(?:\.(?:\d{1,2}|[a-d]))?(?:\s*(?:,|and|y|et|e|&)\s*"
    r"(?:1[0-7]|[1-9])(?:\.(?:\d{1,2}|[a-d]))?)*)\b"
    r"|\b(?:targets?|metas?|cibles?)\s+((?:1[0-7]|[1-9])\.(?:\d{1,2}|[a-d]))\b",
    re.IGNORECASE,
)
#: The first word of every explicit reference, with the same case rules: the full pattern is
#: only tried where a token starts with one, instead of at every character of the text.
_EXPLICIT_START_RE = re.compile(r"sdg|od[sd]|sustainable|objetivo|objectif|target|meta|cible",
                                re.IGNORECASE)
_CODE_IN_LIST_RE = re.compile(r"(?:1[0-7]|[1-9])(?:\.(?:\d{1,2}|[a-d]))?")
#: ``TOKEN_RE`` as a group: ``split`` keeps the tokens and what lies between them.
_PIECES_RE = re.compile(f"({TOKEN_RE.pattern})")
_KEYS = itemgetter(1)
_PLAN = itemgetter(2)
_BOUNDARY = itemgetter(3)
_EXPLICIT = itemgetter(4)
_FIRST = attrgetter("first")
_HAS = frozenset.__contains__
#: The phrases a word starts: one-word phrases as ``(entry, key)``, and for each second word
#: the longer phrases as ``(rank, length, words after the second, entry, key)``, by rank:
#: longest first, then in index order.
_Plan = tuple[tuple[tuple[Entry, tuple], ...], dict[str, list[tuple]]]
#: A token as the matcher reads it: folded word, match keys, the phrases it starts (None if
#: none), whether it is a sentence boundary and whether an explicit reference may start there.
_TokenInfo = tuple[str, frozenset[str], _Plan | None, bool, bool]


@dataclass
class _Evidence:
    """One piece of evidence (a phrase, a pair or an explicit reference) and where it was seen."""

    scores: dict[str, float]
    first: int
    count: int = 0
    words: list[str] = field(default_factory=list)
    known: set[str] = field(default_factory=set)

    def seen(self, words: str) -> None:
        """Count one more sighting; keep ``words`` unless seen before in another case."""
        self.count += 1
        folded = words.casefold()
        if folded not in self.known:
            self.known.add(folded)
            self.words.append(words)


@dataclass
class Scores:
    """What a text supports: score per code, evidence keys and counts per goal, words per code."""

    totals: dict[str, float] = field(default_factory=dict)
    support: dict[str, dict[object, int]] = field(default_factory=dict)
    words: dict[str, list[str]] = field(default_factory=dict)


class _TokenCache(dict[str, _TokenInfo]):
    """Raw token -> ``_TokenInfo``, so a text is read with one C-level ``map``: a token not
    seen before is read once, on its first look-up."""

    def __init__(self, read: Callable[[str], _TokenInfo]) -> None:
        super().__init__()
        self._read = read

    def __missing__(self, raw: str) -> _TokenInfo:
        if len(self) > 200_000:
            self.clear()
        self[raw] = info = self._read(raw)
        return info


class Mapper:
    """The compiled lexicon and the scoring rules; build once, call ``map_text`` many times."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        settings = lexicon.settings
        self.version = str(settings["version"])
        self.method = f"sdg-lexicon/{self.version}"
        self.crosswalk_method = f"sdg-vd-crosswalk/{self.version}"
        self._pairs_by_concept: dict[str, list[Pair]] = {}
        for pair in lexicon.pairs:
            self._pairs_by_concept.setdefault(pair.first, []).append(pair)
        # First word -> its plan: only the phrases whose second word is the next token are
        # tried. The rank is the position in the longest-first index, so the matches come
        # out in the same order.
        self._by_next: dict[str, _Plan] = {}
        for first, candidates in lexicon.index.items():
            singles, longer = [], {}
            for position, (rest, entry, whole) in enumerate(candidates):
                if rest:
                    longer.setdefault(rest[0], []).append(
                        (position, len(whole), rest[1:], entry, whole))
                else:
                    singles.append((entry, whole))
            self._by_next[first] = (tuple(singles), longer)
        self._token_cache = _TokenCache(self._token_info)

    # -- reading -------------------------------------------------------------------------

    def _evidence(self, text: str) -> dict[object, _Evidence]:
        lex = self.lexicon
        window = lex.settings["negation_window"]
        # the text cut into pieces, in order: what precedes the first token, then each token
        # and what follows it; token i is piece 2i+1, and no offsets need computing
        pieces = _PIECES_RE.split(text)
        raws = pieces[1::2]
        n = len(raws)
        # one dictionary look-up per token; the few words not seen before are read once
        infos = list(map(self._token_cache.__getitem__, raws))
        keys = [*map(_KEYS, infos), frozenset()]  # the last token is followed by nothing
        boundaries: list[int] | None = None

        found: dict[object, _Evidence] = {}
        concept_hits: dict[str, list[tuple[int, int, str]]] = {}
        covered = 0
        # only a token that starts a lexicon phrase can match anything
        for i in compress(count(), map(_PLAN, infos)):
            plan = infos[i][2]
            if not plan[0] and plan[1].keys().isdisjoint(keys[i + 1]):
                continue  # it only starts longer phrases, and the next word goes on with none
            length, matches = self._longest(keys, plan, i, n)
            end = i + length
            if not matches or end <= covered:
                continue
            covered = end
            if any(entry.stop for entry, _key in matches) or self._negated(infos, i, window):
                continue
            words = "".join(pieces[2 * i + 1:2 * end])
            for entry, key in matches:
                if entry.scores:
                    evidence = found.get(key)
                    if evidence is None:
                        found[key] = evidence = _Evidence(entry.scores, i)
                    evidence.seen(words)
                if entry.concepts:
                    if boundaries is None:
                        boundaries = list(compress(count(), map(_BOUNDARY, infos)))
                    sentence = bisect_right(boundaries, i)
                    for concept in entry.concepts:
                        concept_hits.setdefault(concept, []).append((i, sentence, words))
        self._add_pairs(concept_hits, found)
        self._add_explicit(text, set(compress(raws, map(_EXPLICIT, infos))), found)
        return found

    def _token_info(self, raw: str) -> _TokenInfo:
        """A token read once: folded word, match keys, the phrases it starts, whether it ends
        a sentence and whether an explicit reference may start there."""
        if raw in BOUNDARIES:
            return raw, frozenset(), None, True, False
        word, word_keys = self.lexicon.token_keys(raw)
        plans = [self._by_next[key] for key in word_keys if key in self._by_next]
        plan = _merged(plans) if len(plans) > 1 else plans[0] if plans else None
        return word, word_keys, plan, False, _EXPLICIT_START_RE.match(raw) is not None

    @staticmethod
    def _longest(keys: list[frozenset[str]], plan: _Plan, i: int,
                 n: int) -> tuple[int, Sequence[tuple[Entry, tuple]]]:
        """The longest phrases starting at token ``i`` (several when a word matches both a
        whole word and a ``prefix*`` of the same length); ``plan`` is what token ``i`` starts,
        and ``keys`` ends with an empty set, so token ``i + 1`` is always there."""
        singles, longer = plan
        if longer:
            candidates = None
            for second in keys[i + 1]:
                more = longer.get(second)
                if more:
                    candidates = more if candidates is None else sorted(candidates + more)
            if candidates:
                best, matches = 0, []
                for _rank, length, tail, entry, whole in candidates:
                    if length < best:
                        break
                    # each word after the second among the keys of its token
                    if i + length <= n and all(map(_HAS, keys[i + 2:i + length], tail)):
                        best = length
                        matches.append((entry, whole))
                if matches:
                    return best, matches
        return (1 if singles else 0), singles

    def _negated(self, infos: list[_TokenInfo], start: int, window: int) -> bool:
        """A negation cue shortly before ``start`` in the same sentence, not a deficit phrase."""
        lex = self.lexicon
        for back in range(1, window + 1):
            at = start - back
            if at < 0 or infos[at][0] in BOUNDARIES:
                return False
            if infos[at][0] in lex.negation:
                between = [info[0] for info in infos[at + 1:start]]
                if between and between[0] in lex.not_only:
                    return False
                return not any(word in lex.deficit for word in between)
        return False

    def _add_pairs(self, hits: dict[str, list[tuple[int, int, str]]],
                   found: dict[object, _Evidence]) -> None:
        span = self.lexicon.settings["pair_window"]
        for concept, first_hits in hits.items():
            for pair in self._pairs_by_concept.get(concept, ()):
                second_hits = hits.get(pair.second)
                if not second_hits:
                    continue
                for pos, sent, words in first_hits:
                    partner = next((other for other in second_hits
                                    if other[1] == sent and 0 < abs(other[0] - pos) <= span), None)
                    if partner is not None:
                        key = ("pair", pair.first, pair.second, pair.code)
                        evidence = found.get(key)
                        if evidence is None:
                            found[key] = evidence = _Evidence({pair.code: pair.weight}, pos)
                        first, second = sorted(((pos, words), partner[::2]))
                        evidence.seen(f"{first[1]} … {second[1]}")

    def _add_explicit(self, text: str, words: set[str], found: dict[object, _Evidence]) -> None:
        """Explicit references, tried only where one of ``words`` (the tokens that start like
        one) occurs: a match starts a token, so these are the matches, in the same order, of
        scanning the whole text."""
        weight = self.lexicon.settings["weights"]["explicit"]
        end = 0
        for start in sorted({at for word in words for at in _occurrences(text, word)}):
            match = _EXPLICIT_RE.match(text, start) if start >= end else None
            if match is None:
                continue
            end = match.end()
            listed = match.group(1) or match.group(2)
            for code in _CODE_IN_LIST_RE.findall(listed):
                code = code.lower()
                if code not in self.lexicon.labels["en"]:
                    continue
                scores = {code: weight, code.split(".")[0]: weight}
                evidence = found.setdefault(("explicit", code), _Evidence(scores, -1))
                evidence.seen(match.group(0).strip())

    # -- scoring -------------------------------------------------------------------------

    def scores(self, text: str) -> Scores:
        """Score, supporting evidence and evidence words of every goal and target in ``text``."""
        settings = self.lexicon.settings
        bonus, cap = settings["repeat_bonus"], settings["repeat_cap"]
        result = Scores()
        sources: dict[str, list[_Evidence]] = {}
        for key, evidence in self._evidence(text).items():
            repeat = 1 + bonus * min(evidence.count - 1, cap)
            per_goal: dict[str, float] = {}
            for code, weight in evidence.scores.items():
                goal = code.split(".")[0]
                per_goal[goal] = max(per_goal.get(goal, 0.0), weight)
                if "." in code:
                    result.totals[code] = result.totals.get(code, 0.0) + weight * repeat
                    sources.setdefault(code, []).append(evidence)
            for goal, weight in per_goal.items():
                result.totals[goal] = result.totals.get(goal, 0.0) + weight * repeat
                result.support.setdefault(goal, {})[key] = evidence.count
                sources.setdefault(goal, []).append(evidence)
        result.words = {code: _ordered(found) for code, found in sources.items()}
        return result

    def kept_goals(self, scores: Scores) -> list[str]:
        """The goals that pass the threshold and the share of the best goal, best first.

        A goal whose only support is one phrase seen once, a phrase the best goal does not
        share, is a passing mention and needs a larger share.
        """
        settings = self.lexicon.settings
        goals = {code: score for code, score in scores.totals.items() if "." not in code}
        if not goals:
            return []
        top = min(goals, key=lambda code: (-goals[code], int(code)))

        def share(goal: str) -> float:
            support = scores.support[goal]
            passing = sum(support.values()) == 1 and not support.keys() & scores.support[top].keys()
            return settings["single_mention_relative" if passing else "relative_threshold"]

        kept = [code for code, score in goals.items()
                if score >= settings["goal_threshold"] and score >= share(code) * goals[top]]
        return sorted(kept, key=lambda code: (-goals[code], int(code)))

    def map_text(self, text: str, lang: str | None = None) -> list[dict]:
        """SDG goal and target tags for ``text``: goals by score, each followed by its targets."""
        settings = self.lexicon.settings
        scores = self.scores(text)
        totals, words = scores.totals, scores.words
        labels = self.lexicon.labels[self._label_language(text, lang)]
        targets: dict[str, list[str]] = {}
        for code, score in totals.items():
            if "." in code and score >= settings["target_threshold"]:
                targets.setdefault(code.split(".")[0], []).append(code)
        tags: list[dict] = []
        for goal in self.kept_goals(scores):
            tags.append(self._tag("sdg_goal", goal, totals[goal], words[goal], labels))
            for target in sorted(targets.get(goal, ()), key=lambda code: (-totals[code], code)):
                tags.append(self._tag("sdg_target", target, totals[target], words[target],
                                      labels))
        return tags

    def _tag(self, scheme: str, code: str, score: float, words: list[str],
             labels: dict[str, str]) -> dict:
        settings = self.lexicon.settings
        threshold = settings["goal_threshold" if scheme == "sdg_goal" else "target_threshold"]
        confidence = 1 - math.exp(-math.log(2) * score / threshold)
        return {
            "scheme": scheme,
            "code": code,
            "label": labels[code],
            "confidence": round(min(confidence, 0.99), 2),
            "evidence": words[: settings["max_evidence"]],
            "method": self.method,
        }

    def _label_language(self, text: str, lang: str | None) -> str:
        """``lang`` when labels exist in it (English otherwise), or the language of ``text``."""
        if lang:
            base = lang.split("-")[0].lower()
            return base if base in LABEL_LANGUAGES else "en"
        seen = Counter(map(str.casefold, TOKEN_RE.findall(text[:2000])))
        counts = {code: sum(map(seen.__getitem__, words))
                  for code, words in self.lexicon.stop_words.items()}
        detected = max(counts, key=lambda code: counts[code])
        return detected if counts[detected] and detected in LABEL_LANGUAGES else "en"

    # -- records -------------------------------------------------------------------------

    def map_record(self, record: dict) -> list[dict]:
        """Tags for a contract-v1 record: its text through the lexicon, its V.D. tags through
        the crosswalk; a code found both ways is one tag with both methods. Goals come by
        confidence, each followed by its targets."""
        text = record_text(record)
        lang = self._label_language(text, record.get("language"))
        labels = self.lexicon.labels[lang]
        merged: dict[tuple[str, str], dict] = {}
        for tag in self.map_text(text, lang) + self._crosswalk_tags(record, labels):
            key = (tag["scheme"], tag["code"])
            existing = merged.setdefault(key, tag)
            if existing is tag:
                continue
            existing["confidence"] = round(
                1 - (1 - existing["confidence"]) * (1 - tag["confidence"]), 2)
            existing["evidence"] = existing["evidence"] + [
                word for word in tag["evidence"] if word not in existing["evidence"]]
            existing["method"] = f"{existing['method']}+{tag['method']}"
        goal_confidence = {code: tag["confidence"] for (scheme, code), tag in merged.items()
                           if scheme == "sdg_goal"}

        def order(tag: dict) -> tuple:
            goal = tag["code"].split(".")[0]
            return (-goal_confidence.get(goal, 0.0), int(goal), tag["scheme"] != "sdg_goal",
                    -tag["confidence"], tag["code"])

        return sorted(merged.values(), key=order)

    def _crosswalk_tags(self, record: dict, labels: dict[str, str]) -> list[dict]:
        """Goal and target tags from the record's declared Venice Declaration codes."""
        confidence = self.lexicon.settings["crosswalk_confidence"]
        found: dict[str, tuple[float, list[str]]] = {}
        for declared in record.get("tags") or ():
            if declared.get("scheme") != "venice_declaration" or declared.get("derived"):
                continue
            code = str(declared.get("code", "")).upper()
            evidence = " ".join(filter(None, (code, declared.get("label"))))
            for target, strength in self.lexicon.crosswalk.get(code, ()):
                for sdg in (target, target.split(".")[0]):
                    score, words = found.get(sdg, (0.0, []))
                    found[sdg] = (max(score, confidence[strength]),
                                  words if evidence in words else [*words, evidence])
        ordered = sorted(found, key=lambda c: (int(c.split(".")[0]), "." in c, c))
        return [{
            "scheme": "sdg_target" if "." in code else "sdg_goal",
            "code": code,
            "label": labels[code],
            "confidence": found[code][0],
            "evidence": found[code][1],
            "method": self.crosswalk_method,
        } for code in ordered]


def _merged(plans: list[_Plan]) -> _Plan:
    """One plan for a word that starts phrases under several keys (its stem and a prefix):
    among phrases of one length, those of the key tried first come first, as when each
    key's phrases are tried in turn."""
    singles = tuple(single for plan_singles, _longer in plans for single in plan_singles)
    ranked = sorted((-length, number, rank, second, tail, entry, whole)
                    for number, (_singles, longer) in enumerate(plans)
                    for second, candidates in longer.items()
                    for rank, length, tail, entry, whole in candidates)
    merged: dict[str, list[tuple]] = {}
    for rank, (minus_length, _number, _rank, second, tail, entry, whole) in enumerate(ranked):
        merged.setdefault(second, []).append((rank, -minus_length, tail, entry, whole))
    return singles, merged


def _occurrences(text: str, word: str) -> Iterator[int]:
    """Where ``word`` occurs in ``text``, overlaps included."""
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


def _ordered(found: list[_Evidence]) -> list[str]:
    """Evidence words in text order, each once whatever its case."""
    seen: dict[str, str] = {}
    for evidence in sorted(found, key=_FIRST):
        for word in evidence.words:
            seen.setdefault(word.casefold(), word)
    return list(seen.values())


def record_text(record: dict) -> str:
    """The words of a record the mapper reads, one field per line (lines end sentences); a
    text repeated in two fields (target group label and text) is read once."""
    parts: list[str] = []

    def localized(value: object) -> None:
        if isinstance(value, dict):
            parts.extend(text for text in value.values() if isinstance(text, str))

    for name in ("title", "summary", "description"):
        localized(record.get(name))
    for name in ("aims", "future_goals"):
        for value in record.get(name) or ():
            localized(value)
    parts.extend(group.get("label") or "" for group in record.get("target_groups") or ())
    parts.append(record.get("target_groups_text") or "")
    parts.extend(kpi.get("name") or "" for kpi in record.get("kpis") or ())
    return "\n".join(dict.fromkeys(part.strip() for part in parts if part and part.strip()))


@cache
def default_mapper() -> Mapper:
    """The mapper over the shipped data, compiled on first use and shared."""
    return Mapper(load_lexicon())


def map_text(text: str, lang: str | None = None) -> list[dict]:
    """SDG goal and target tags for a text; ``lang`` picks the label language (guessed if None)."""
    return default_mapper().map_text(text, lang)


def map_record(record: dict) -> list[dict]:
    """SDG goal and target tags for a contract-v1 record, text and V.D. crosswalk together."""
    return default_mapper().map_record(record)
