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
from dataclasses import dataclass, field
from functools import cache

from plugins.sdg.lexicon import LABEL_LANGUAGES, Entry, Lexicon, Pair, load_lexicon
from plugins.sdg.text import BOUNDARIES, TOKEN_RE, tokens

_EXPLICIT_RE = re.compile(
    r"\b(?:SDGs?|ODS|ODD|Sustainable\s+Development\s+Goals?|Objetivos?\s+de\s+Desarrollo\s+"
    r"Sostenible|Objectifs?\s+de\s+d[ée]veloppement\s+durable|Objetivos?\s+de\s+"
    r"Desenvolvimento\s+Sustent[áa]vel)\s*(?:n[°º.o]\s*|#\s*)?"
    r"((?:1[0-7]|[1-9])(?:\.(?:\d{1,2}|[a-d]))?(?:\s*(?:,|and|y|et|e|&)\s*"
    r"(?:1[0-7]|[1-9])(?:\.(?:\d{1,2}|[a-d]))?)*)\b"
    r"|\b(?:targets?|metas?|cibles?)\s+((?:1[0-7]|[1-9])\.(?:\d{1,2}|[a-d]))\b",
    re.IGNORECASE,
)
_CODE_IN_LIST_RE = re.compile(r"(?:1[0-7]|[1-9])(?:\.(?:\d{1,2}|[a-d]))?")
_GROUP = re.Match.group
#: A token as the matcher reads it: folded word, match keys, the phrase groups its keys
#: start, and whether it is a sentence boundary.
_TokenInfo = tuple[str, frozenset[str], tuple, bool]


@dataclass
class _Evidence:
    """One piece of evidence (a phrase, a pair or an explicit reference) and where it was seen."""

    scores: dict[str, float]
    first: int
    count: int = 0
    words: list[str] = field(default_factory=list)

    def seen(self, words: list[str]) -> None:
        self.count += 1
        known = {word.casefold() for word in self.words}
        self.words.extend(word for word in words if word.casefold() not in known)


@dataclass
class Scores:
    """What a text supports: score per code, evidence keys and counts per goal, words per code."""

    totals: dict[str, float] = field(default_factory=dict)
    support: dict[str, dict[object, int]] = field(default_factory=dict)
    words: dict[str, list[str]] = field(default_factory=dict)


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
        # First word -> (one-word phrases, second word -> longer phrases): only the phrases
        # whose second word is the next token are tried. Each keeps its position in the
        # longest-first index so the matches come out in the same order.
        self._by_next: dict[str, tuple[list, dict[str, list]]] = {}
        for first, candidates in lexicon.index.items():
            singles, longer = [], {}
            for position, (rest, entry, whole) in enumerate(candidates):
                if rest:
                    longer.setdefault(rest[0], []).append((position, rest, entry, whole))
                else:
                    singles.append((rest, entry, whole))
            self._by_next[first] = (singles, longer)
        self._token_cache: dict[str, _TokenInfo] = {}

    # -- reading -------------------------------------------------------------------------

    def _evidence(self, text: str) -> dict[object, _Evidence]:
        lex = self.lexicon
        window = lex.settings["negation_window"]
        found_tokens = list(TOKEN_RE.finditer(text))
        n = len(found_tokens)
        # one dictionary look-up per token; the few words not seen before are read once
        cache = self._token_cache
        infos = list(map(cache.get, map(_GROUP, found_tokens)))
        if None in infos:
            infos = [info or self._token_info(match.group())
                     for info, match in zip(infos, found_tokens, strict=True)]
        keys = [info[1] for info in infos]
        folded: list[str] | None = None
        boundaries: list[int] | None = None

        found: dict[object, _Evidence] = {}
        concept_hits: dict[str, list[tuple[int, int, str]]] = {}
        covered = 0
        # only a token whose keys start a lexicon phrase can match anything
        for i in [i for i, info in enumerate(infos) if info[2]]:
            length, matches = self._longest(keys, infos[i][2], i, n)
            end = i + length
            if not matches or end <= covered:
                continue
            covered = end
            boilerplate = any(entry.stop for entry, _key in matches)
            if boilerplate:
                continue
            if folded is None:
                folded = [info[0] for info in infos]
            if self._negated(folded, i, window):
                continue
            words = text[found_tokens[i].start():found_tokens[end - 1].end()]
            for entry, key in matches:
                if entry.scores:
                    found.setdefault(key, _Evidence(entry.scores, i)).seen([words])
                if entry.concepts:
                    if boundaries is None:
                        boundaries = [j for j, info in enumerate(infos) if info[3]]
                    sentence = bisect_right(boundaries, i)
                    for concept in entry.concepts:
                        concept_hits.setdefault(concept, []).append((i, sentence, words))
        self._add_pairs(concept_hits, found)
        self._add_explicit(text, found)
        return found

    def _token_info(self, raw: str) -> _TokenInfo:
        """A token read once: folded word, match keys, the phrase groups its keys start (in
        the keys' order) and whether it ends a sentence."""
        if raw in BOUNDARIES:
            info = (raw, frozenset(), (), True)
        else:
            word, word_keys = self.lexicon.token_keys(raw)
            starts = tuple(self._by_next[key] for key in word_keys if key in self._by_next)
            info = (word, word_keys, starts, False)
        if len(self._token_cache) > 200_000:
            self._token_cache.clear()
        self._token_cache[raw] = info
        return info

    def _longest(self, keys: list[frozenset[str]], starts: tuple, i: int,
                 n: int) -> tuple[int, list[tuple[Entry, tuple]]]:
        """The longest phrases starting at token ``i`` (several when a word matches both a
        whole word and a ``prefix*`` of the same length); ``starts`` are the phrase groups
        of the keys of token ``i`` that begin a phrase."""
        best, matches = 0, []
        following = keys[i + 1] if i + 1 < n else ()
        for singles, longer in starts:
            candidates = sorted(c for second in following for c in longer.get(second, ()))
            for _position, rest, entry, whole in candidates:
                length = len(rest) + 1
                if length < best:
                    break
                if i + length <= n and all(rest[j] in keys[i + 1 + j]
                                           for j in range(1, len(rest))):
                    if length > best:
                        best, matches = length, []
                    matches.append((entry, whole))
            if best <= 1:
                for _rest, entry, whole in singles:
                    best = 1
                    matches.append((entry, whole))
        return best, matches

    def _negated(self, folded: list[str], start: int, window: int) -> bool:
        """A negation cue shortly before ``start`` in the same sentence, not a deficit phrase."""
        lex = self.lexicon
        for back in range(1, window + 1):
            at = start - back
            if at < 0 or folded[at] in BOUNDARIES:
                return False
            if folded[at] in lex.negation:
                between = folded[at + 1:start]
                if between and between[0] in lex.not_only:
                    return False
                return not any(word in lex.deficit for word in between)
        return False

    def _add_pairs(self, hits: dict[str, list[tuple[int, int, str]]],
                   found: dict[object, _Evidence]) -> None:
        span = self.lexicon.settings["pair_window"]
        for concept, first_hits in hits.items():
            for pair in self._pairs_by_concept.get(concept, ()):
                for pos, sent, words in first_hits:
                    partner = next((other for other in hits.get(pair.second, ())
                                    if other[1] == sent and 0 < abs(other[0] - pos) <= span), None)
                    if partner is not None:
                        key = ("pair", pair.first, pair.second, pair.code)
                        evidence = found.setdefault(key, _Evidence({pair.code: pair.weight}, pos))
                        first, second = sorted(((pos, words), partner[::2]))
                        evidence.seen([f"{first[1]} … {second[1]}"])

    def _add_explicit(self, text: str, found: dict[object, _Evidence]) -> None:
        weight = self.lexicon.settings["weights"]["explicit"]
        for match in _EXPLICIT_RE.finditer(text):
            listed = match.group(1) or match.group(2)
            for code in _CODE_IN_LIST_RE.findall(listed):
                code = code.lower()
                if code not in self.lexicon.labels["en"]:
                    continue
                scores = {code: weight, code.split(".")[0]: weight}
                evidence = found.setdefault(("explicit", code), _Evidence(scores, -1))
                evidence.seen([match.group(0).strip()])

    # -- scoring -------------------------------------------------------------------------

    def scores(self, text: str) -> Scores:
        """Score, supporting evidence and evidence words of every goal and target in ``text``."""
        settings = self.lexicon.settings
        bonus, cap = settings["repeat_bonus"], settings["repeat_cap"]
        result = Scores()
        words: dict[str, list[tuple[int, str]]] = {}
        for key, evidence in self._evidence(text).items():
            repeat = 1 + bonus * min(evidence.count - 1, cap)
            per_goal: dict[str, float] = {}
            for code, weight in evidence.scores.items():
                goal = code.split(".")[0]
                per_goal[goal] = max(per_goal.get(goal, 0.0), weight)
                if "." in code:
                    result.totals[code] = result.totals.get(code, 0.0) + weight * repeat
                    words.setdefault(code, []).extend((evidence.first, w) for w in evidence.words)
            for goal, weight in per_goal.items():
                result.totals[goal] = result.totals.get(goal, 0.0) + weight * repeat
                result.support.setdefault(goal, {})[key] = evidence.count
                words.setdefault(goal, []).extend((evidence.first, w) for w in evidence.words)
        result.words = {code: _ordered(found) for code, found in words.items()}
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
        tags: list[dict] = []
        for goal in self.kept_goals(scores):
            tags.append(self._tag("sdg_goal", goal, totals[goal], words[goal], labels))
            targets = [code for code, score in totals.items()
                       if code.split(".")[0] == goal and "." in code
                       and score >= settings["target_threshold"]]
            for target in sorted(targets, key=lambda code: (-totals[code], code)):
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
        counts = {code: 0 for code in self.lexicon.stop_words}
        for _start, _end, raw in tokens(text[:2000]):
            word = raw.casefold()
            for code, words in self.lexicon.stop_words.items():
                if word in words:
                    counts[code] += 1
        detected = max(counts, key=lambda code: counts[code])
        return detected if counts[detected] and detected in LABEL_LANGUAGES else "en"

    # -- records -------------------------------------------------------------------------

    def map_record(self, record: dict) -> list[dict]:
        """Tags for a contract-v1 record: its text through the lexicon, its V.D. tags through
        the crosswalk; a code found both ways is one tag with both methods. Goals come by
        confidence, each followed by its targets."""
        lang = record.get("language")
        text = record_text(record)
        labels = self.lexicon.labels[self._label_language(text, lang)]
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


def _ordered(found: list[tuple[int, str]]) -> list[str]:
    """Evidence words in text order, each once whatever its case."""
    seen: dict[str, str] = {}
    for _first, word in sorted(found, key=lambda item: item[0]):
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
